# toJSON of a value nested 100,000 deep: Nix 2.8 recurses on its native stack, so it
# succeeds when the stack is large enough (`.stack`: the 1 GiB rnix-eval evaluates on);
# modern Nix counts every level against max-call-depth (10,000 by default). rnix-eval
# follows the stack it has, as for calls.
let
  deep = builtins.foldl' (tail: head: { inherit head tail; }) null (builtins.genList (x: x) 100000);
  json = builtins.toJSON deep;
in [ (builtins.stringLength json) (builtins.substring 0 40 json) (builtins.hashString "sha256" json) ]
