# Modern Nix: a float whose `floor` is no integer is an error (Nix 2.8 gave i64::MIN).
builtins.floor (-1.5e300)
