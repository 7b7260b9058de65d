# `==` on structured values, as nixpkgs and the module system compare them: lists of
# small records compared whole (`x == y` of 2,000 `{ name; value; }` sets, 6,000 times),
# `elem` and a `lib.unique`-shaped fold over records, option definitions compared
# against `[ ]` and `{ }`, nested sets with lists inside. `==` of small sets went through
# a copy-on-write view of each set's attributes and an out-of-line force per element:
# 1.3x Nix's time until flat sets were walked in place.
let
  inherit (builtins) genList length filter foldl' elem;
  records = n: genList (j: { name = "r${toString (j - j / 50 * 50)}"; value = j; tags = [ j ]; }) n;
  x = records 2000;
  y = records 2000;
  whole = length (filter (i: x == y) (genList (i: i) 6000));
  small = genList (j: { name = "n${toString (j - j / 40 * 40)}"; port = j - j / 40 * 40; }) 4000;
  unique = foldl' (acc: e: if elem e acc then acc else acc ++ [ e ]) [ ] small;
  defs = genList (i: if i / 3 * 3 == i then [ ] else { enable = true; settings = { a = i; b = [ i ]; }; }) 300000;
  empty = length (filter (d: d == [ ] || d == { }) defs);
  nested = length (filter (d: d == { enable = true; settings = { a = 7; b = [ 7 ]; }; }) defs);
in
{
  inherit whole empty nested;
  unique = length unique;
}
