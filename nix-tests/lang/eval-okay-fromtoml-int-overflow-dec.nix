# Modern Nix refuses integers outside i64 (Nix 2.8 saturated them).
builtins.fromTOML "over = 9223372036854775808"
