# A dynamic attribute name that reads the set it is part of. Nix 2.8 fills the set in
# place, so the static `b` is already there; modern Nix makes the set only after every
# name is known, so reading it is an infinite recursion.
let x = { ${x.b} = 1; b = "a"; }; in x
