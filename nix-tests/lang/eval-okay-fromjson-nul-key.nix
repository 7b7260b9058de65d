# Modern Nix refuses NUL bytes in JSON keys and strings (Nix 2.8 cut them there).
builtins.fromJSON ''{"a\u0000b": 1}''
