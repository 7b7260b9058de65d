# deepSeq of a value nested 100,000 deep: each level counts against max-call-depth in
# modern Nix (forceValueDeep); Nix 2.8 recurses natively. A clean error either way.
let
  deep = builtins.foldl' (tail: head: { inherit head tail; }) null (builtins.genList (x: x) 100000);
in builtins.deepSeq deep "done"
