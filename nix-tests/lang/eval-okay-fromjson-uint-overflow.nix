# Modern Nix refuses unsigned JSON numbers above i64 (Nix 2.8 wrapped them).
builtins.fromJSON "18446744073709551615"
