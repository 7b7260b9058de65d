# Indented strings are not attribute names in Nix's grammar.
{ ''a'' = 1; }
