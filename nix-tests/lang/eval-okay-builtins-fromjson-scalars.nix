map builtins.fromJSON [ "1" " 2 " "\n[]\t" "\"s\"" "null" "true" "1E2" "0.1" "-1.5e-3" "123456789012345678" ]
