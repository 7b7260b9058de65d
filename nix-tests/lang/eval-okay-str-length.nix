map builtins.stringLength [ "" "a" "hello" "a\nb" "${"xy"}z" ]
