# `split` without a match returns the subject itself: its string context survives
# (the pieces around matches are new strings without context).
let
  s = "${builtins.toFile "split-ctx" "x"}";
in
{
  none = builtins.getContext (builtins.head (builtins.split "nomatch" s));
  some = map (p: if builtins.isString p then builtins.getContext p else p) (builtins.split "/" s);
}
