# `0.` is a float only before a digit (Nix: `0?\.[0-9]+`): otherwise it is the integer 0 and
# a selection from it.
[ (0.a or 1) (0.b.c or "d") 0.5 0.5e2 .5 1. ]
