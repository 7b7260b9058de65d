builtins.match "\\/" "/"
