[ ./a ./a/b.nix /abs/x a/b ./a/../b ./. /. ]
