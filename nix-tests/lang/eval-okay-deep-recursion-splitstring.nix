# nixpkgs 20.09's lib.splitString recurses once per character: 15,000 nested calls,
# more than modern Nix's default max-call-depth, which Nix 2.8 finishes.
let
  s = builtins.concatStringsSep "" (builtins.genList (i: "a,") 7500);
  sLen = builtins.stringLength s;
  recurse = index: startAt:
    let cutUntil = i: [ (builtins.substring startAt (i - startAt) s) ]; in
    if index < sLen then
      if builtins.substring index 1 s == ","
      then cutUntil index ++ recurse (index + 1) (index + 1)
      else recurse (index + 1) startAt
    else cutUntil sLen;
  parts = recurse 0 0;
in [ (builtins.length parts) (builtins.elemAt parts 7499) (builtins.elemAt parts 7500) ]
