# A set grown by `//` in a fold (the accumulator may be updated in place when nothing else
# holds it): later attributes win, names arrive out of order, the starting set is still
# intact afterwards, a step that keeps an older accumulator alive sees it unchanged, and a
# failed step inside tryEval leaves the accumulator as it was.
let
  inherit (builtins) foldl' genList toString attrNames length tryEval;
  base = { a = 0; m = "base"; z = 26; };
  names = genList (i: "n${toString (i * 7 - i / 5 * 35)}") 40;
  grown = foldl' (acc: name: acc // { ${name} = name; m = "m-${name}"; }) base names;
  # every step keeps the previous accumulator in a list: in-place updates would show there
  history = foldl' (acc: x: acc // { "k${toString x}" = x; prev = acc; }) { } (genList (i: i) 5);
  chain = s: if s ? prev then [ (length (attrNames s)) ] ++ chain s.prev else [ (length (attrNames s)) ];
  failing = foldl' (acc: x: acc // (if x == 3 then throw "boom" else { "f${toString x}" = x; })) { } (genList (i: i) 5);
  bigger = foldl' (acc: x: acc // builtins.listToAttrs (genList (j: { name = "b${toString (x * 20 + j)}"; value = j; }) 20)) { } (genList (i: i) 4);
  # the same set passed to a movable `//` twice: neither call may change it
  add = acc: x: acc // { "x${toString x}" = x; };
  shared = { a = 1; };
  twice = [ (add shared 1) (add shared 2) shared ];
in {
  inherit twice;
  grownNames = length (attrNames grown);
  inherit (grown) m a z n0 n14;
  base = base;
  chain = chain history;
  failing = tryEval failing;
  biggerNames = length (attrNames bigger);
  b79 = bigger.b79;
  pos = (builtins.unsafeGetAttrPos "m" grown) != null;
}
