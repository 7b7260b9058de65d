# `--json` without `--strict`: arithmetic on known integers is a thunk, as in Nix, so it
# cannot be converted (it was folded into a value and printed).
[ (1 + 1) ]
