# Modern Nix refuses integers outside i64 (Nix 2.8 saturated them).
builtins.fromTOML "under = -9223372036854775809"
