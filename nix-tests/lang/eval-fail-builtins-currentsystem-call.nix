builtins.currentSystem 1
