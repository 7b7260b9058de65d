# Hot builtins of nixpkgs' lib: attribute-set construction and traversal, list
# folding and sorting, regex matching and string replacement. The result is a few
# numbers and short strings, so the time goes into the builtins, not printing.
let
  n = 20000;
  names = builtins.genList (i: "pkg-${toString i}-${toString (builtins.bitXor i 1234)}") n;
  set = builtins.listToAttrs (map (name: { inherit name; value = builtins.stringLength name; }) names);
  mapped = builtins.mapAttrs (name: len: len * 2 + (if builtins.match "pkg-[0-9]*7-.*" name != null then 1 else 0)) set;
  total = builtins.foldl' (acc: name: acc + mapped.${name}) 0 (builtins.attrNames mapped);
  pairs = builtins.concatMap (name: [ name (builtins.replaceStrings [ "pkg-" "-" ] [ "" "." ] name) ]) (builtins.attrNames set);
  versions = builtins.filter (s: builtins.match "[0-9]+\\.[0-9]+" s != null) pairs;
  sorted = builtins.sort (a: b: builtins.compareVersions a b < 0) versions;
  probes = builtins.genList (i: "pkg-${toString (i * 37)}-${toString (builtins.bitXor (i * 37) 1234)}") 1000;
  found = builtins.length (builtins.filter (p: builtins.elem p names) probes);
  joined = builtins.concatStringsSep "," (builtins.genList (i: builtins.elemAt sorted (i * 1500)) 12);
in
{
  inherit total found joined;
  count = builtins.length sorted;
  matches = builtins.length (builtins.filter (v: v != null) (map (s: builtins.match "([0-9]+)\\.([0-9]*5)" s) versions));
}
