let a = import ./lib/mk.nix "dedup" {}; in { x = a; y = a; z = [ a ]; }
