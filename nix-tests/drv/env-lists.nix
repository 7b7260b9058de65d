import ./lib/mk.nix "env-lists" { l0 = []; l1 = [ "a" ]; l2 = [ "a" "b" "c" ]; nested = [ "a" [ "b" "c" ] [] "d" ]; mixed = [ 1 true null false 2.5 "s" ]; }
