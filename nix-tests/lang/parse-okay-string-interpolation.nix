let x = "x"; in [ "a${x}b" "${x}" "${x}${x}" "${"lit"}" ]
