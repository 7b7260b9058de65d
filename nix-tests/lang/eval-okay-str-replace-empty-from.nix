builtins.replaceStrings [ "" "a" ] [ "." "A" ] "ab"
