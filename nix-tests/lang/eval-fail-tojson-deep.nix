# toJSON of a value nested 100,000 deep fails in Nix 2.8 (native stack) and in modern Nix
# (each level counts against max-call-depth): a clean error, never a crash.
let
  deep = builtins.foldl' (tail: head: { inherit head tail; }) null (builtins.genList (x: x) 100000);
in builtins.toJSON deep
