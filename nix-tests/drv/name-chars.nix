import ./lib/mk.nix "a+b_c.d-1.0?x=y" {}
