let s = { "a b" = 1; "${"c"}d" = 2; }; in [ s."a b" s.${"cd"} s."c${"d"}" ]
