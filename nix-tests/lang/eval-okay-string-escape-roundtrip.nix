let s = "a\"b\\c\nd\te\rf\${g}$h"; in [ s (builtins.stringLength s) ]
