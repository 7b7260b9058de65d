builtins.match "\\d+" "12"
