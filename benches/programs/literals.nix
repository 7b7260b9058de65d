# Literals in function bodies, as nixpkgs and the module system write them: every call
# of `mkIf`-, `mkOption`- and package-shaped functions builds sets and lists holding the
# same string literals (`_type = "if"`, `"--enable-shared"`, `./builder.sh`). 800,000
# 8-string lists, 500,000 wrapper sets with a `_type` tag and string fields, 250,000
# path-and-flag records, all kept until the end. Each evaluation of a literal made a new
# 48-byte string (2.9x Nix's memory, 2.3x its time on the lists alone) until a literal's
# value was shared by its evaluations as Nix's `ExprString` shares it.
let
  inherit (builtins) genList length filter foldl' isList isAttrs stringLength;
  flags = i: [ "--enable-shared" "--disable-static" "--with-pic" "--prefix" "--sysconfdir=/etc" "-O2" "-g" "--" ];
  mkIf = cond: content: { _type = "if"; inherit cond content; };
  mkOverride = priority: content: { _type = "override"; inherit priority content; kind = "default"; };
  record = i: { builder = ./builder.sh; setup = ./setup-hook.sh; name = "pkg"; phase = "installPhase"; args = [ "-e" ./default-builder.sh ]; };
  lists = genList flags 800000;
  wrappers = genList (i: if i / 2 * 2 == i then mkIf true i else mkOverride 1000 i) 500000;
  records = genList record 250000;
  tagged = filter (w: w._type == "if") wrappers;
in
{
  lists = length (filter isList lists);
  flagChars = foldl' (n: l: n + stringLength (builtins.elemAt l 0)) 0 lists;
  tagged = length tagged;
  records = length (filter isAttrs records);
  last = (builtins.elemAt records 249999).phase;
}
