builtins.length "a\"b\n\t\${c}$d\\"
