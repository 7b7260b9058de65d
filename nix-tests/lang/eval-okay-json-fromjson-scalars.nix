map builtins.fromJSON [ "1" "-0" "1.0" "\"s\"" "null" "true" "[]" "{}" " 3 " ]
