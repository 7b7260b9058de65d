builtins.currentTime 1
