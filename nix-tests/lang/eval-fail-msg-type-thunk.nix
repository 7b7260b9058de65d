builtins.length { a = builtins.length [ ]; b = { }; c = [ ]; }
