# Indented strings are not attribute names in Nix's grammar.
let a = 1; in { inherit ''a''; }
