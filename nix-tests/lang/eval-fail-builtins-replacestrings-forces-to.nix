builtins.replaceStrings [ "a" ] [ (throw "replacement forced") ] "xyz"
