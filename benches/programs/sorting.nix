# `sort` as nixpkgs and scripts use it: `builtins.sort builtins.lessThan` over 120,000
# pseudo-random integers and over 60,000 strings sharing long prefixes (attribute-path-like
# names), a lambda comparator (`a: b: a < b`) over 40,000 strings, and 40,000 records ordered
# by a field (`lib.sort (a: b: a.priority < b.priority)`, as `mkOrder`/`sortProperties` do).
# The builtin `lessThan` was 1.0-1.8x Nix's time until positions, not values, were sorted.
let
  inherit (builtins) genList sort lessThan elemAt length toString foldl';
  mod = a: b: a - a / b * b;
  ints = genList (i: mod (i * 2654435761) 1000003) 120000;
  strs = genList (i: "python3${toString (mod i 10)}Packages.pkg-${toString (mod (i * 7919) 100003)}-${toString i}") 60000;
  records = genList (i: { name = "r${toString i}"; priority = mod (i * 7919) 1009; }) 40000;
  sortedInts = sort lessThan ints;
  sortedStrs = sort lessThan strs;
  byLambda = sort (a: b: a < b) (genList (i: elemAt strs (mod (i * 31) 60000)) 40000);
  byPriority = sort (a: b: a.priority < b.priority) records;
in
{
  ints = [ (elemAt sortedInts 0) (elemAt sortedInts 60000) (elemAt sortedInts 119999) ];
  strs = [ (elemAt sortedStrs 0) (elemAt sortedStrs 30000) ];
  lambda = elemAt byLambda 20000;
  priority = (elemAt byPriority 20000).name;
  # stability: records of equal priority keep their order
  stable = foldl' (ok: i: ok && (let a = elemAt byPriority i; b = elemAt byPriority (i + 1); in a.priority < b.priority || a.priority == b.priority)) true (genList (i: i) 1000);
  n = length sortedInts + length sortedStrs;
}
