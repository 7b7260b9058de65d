let x = "X"; in ''
      ${x}
    y
''
