# Lists built by folds the way code written outside nixpkgs' `lib` builds them:
# `foldl'` prepending (`[ x ] ++ acc`), nixpkgs' `lib.foldr` (its accumulator a thunk,
# `op x (fold' (n + 1))`) appending and prepending, and `replaceStrings` with an empty
# pattern among its patterns (every position tries every pattern). Each was a cliff
# (1.5-5x Nix's time) found by programs written outside the project.
let
  inherit (builtins) foldl' genList length elemAt replaceStrings stringLength;
  # lib/lists.nix (20.09)
  foldr = op: nul: list:
    let
      len = length list;
      fold' = n: if n == len then nul else op (elemAt list n) (fold' (n + 1));
    in
    fold' 0;
  mod = a: b: a - a / b * b;
  optional = cond: elem: if cond then [ elem ] else [ ];
  n = 20000;
  xs = genList (i: i) n;
  prepended = foldl' (acc: x: [ x ] ++ acc) [ ] xs;
  appended = foldr (x: acc: acc ++ optional (mod x 3 != 0) x) [ ] xs;
  consed = foldr (x: acc: [ (x * 2) ] ++ acc) [ ] xs;
  names = genList (i: "package-name_${toString i}.with.mixedcase-and-more") 40000;
  stripped = foldl' (sum: s: sum + stringLength (replaceStrings [ "." "" ] [ "" "" ] s)) 0 names;
in
[
  (length prepended) (elemAt prepended 0)
  (length appended) (elemAt appended 0)
  (length consed) (elemAt consed (n - 1))
  stripped
]
