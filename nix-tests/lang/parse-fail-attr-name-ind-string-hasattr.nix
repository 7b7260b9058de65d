# Indented strings are not attribute names in Nix's grammar.
{ } ? a.''b''
