# Modern Nix refuses NUL bytes in TOML strings (Nix 2.8 kept them).
builtins.fromTOML ''k = "a\u0000b"''
