builtins.match "[[:digit:]-z]" "-"
