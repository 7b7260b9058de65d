if builtins ? warn then [ (builtins.warn "careful" 1) (builtins.warn "again" { a = 2; }) ] else "warn is missing"
