# nixpkgs 20.09's lib string and list helpers, written as 20.09 writes them (lib/strings.nix,
# lib/lists.nix): `splitString` recursing with `cutUntil index ++ recurse ...` (quadratic
# `++`) over a 15,000-character string, `concatMapStrings`, `escapeShellArg`, `hasPrefix`,
# `optional`, `flatten`, `unique` (`[x] ++ unique (remove x list)`), `toposort` (listDfs).
let
  inherit (builtins) length head tail filter partition substring stringLength
    concatStringsSep replaceStrings isList concatMap genList elemAt foldl' toString;

  # lib/strings.nix
  concatStrings = builtins.concatStringsSep "";
  concatMapStrings = f: list: concatStrings (map f list);
  concatMapStringsSep = sep: f: list: concatStringsSep sep (map f list);
  hasPrefix = pref: str: substring 0 (stringLength pref) str == pref;
  hasSuffix = suffix: content:
    let
      lenContent = stringLength content;
      lenSuffix = stringLength suffix;
    in lenContent >= lenSuffix && substring (lenContent - lenSuffix) lenContent content == suffix;
  escapeShellArg = arg: "'${replaceStrings [ "'" ] [ "'\\''" ] (toString arg)}'";
  escapeShellArgs = concatMapStringsSep " " escapeShellArg;
  addContextFrom = a: b: substring 0 0 a + b;
  splitString = _sep: _s:
    let
      sep = addContextFrom _s _sep;
      s = addContextFrom _sep _s;
      sepLen = stringLength sep;
      sLen = stringLength s;
      lastSearch = sLen - sepLen;
      startWithSep = startAt:
        substring startAt sepLen s == sep;

      recurse = index: startAt:
        let cutUntil = i: [ (substring startAt (i - startAt) s) ]; in
        if index <= lastSearch then
          if startWithSep index then
            let restartAt = index + sepLen; in
            cutUntil index ++ recurse restartAt restartAt
          else
            recurse (index + 1) startAt
        else
          cutUntil sLen;
    in
    recurse 0 0;

  # lib/lists.nix
  optional = cond: elem: if cond then [ elem ] else [ ];
  optionals = cond: elems: if cond then elems else [ ];
  flatten = x: if isList x then concatMap (y: flatten y) x else [ x ];
  remove = e: filter (x: x != e);
  unique = list:
    if list == [ ] then [ ]
    else
      let x = head list; in [ x ] ++ unique (remove x list);
  reverseList = xs: let l = length xs; in genList (n: elemAt xs (l - n - 1)) l;
  listDfs = stopOnCycles: before: list:
    let
      dfs' = us: visited: rest:
        let
          c = filter (x: before x us) visited;
          b = partition (x: before x us) rest;
        in
        if stopOnCycles && (length c > 0)
        then { cycle = us; loops = c; inherit visited rest; }
        else if length b.right == 0
        then { minimal = us; inherit visited rest; }
        else dfs' (head b.right) ([ us ] ++ visited) (tail b.right ++ b.wrong);
    in
    dfs' (head list) [ ] (tail list);
  toposort = before: list:
    let
      dfsthis = listDfs true before list;
      toporest = toposort before (dfsthis.visited ++ dfsthis.rest);
    in
    if length list < 2 then { result = list; }
    else if dfsthis ? cycle then { cycle = reverseList ([ dfsthis.cycle ] ++ dfsthis.visited); inherit (dfsthis) loops; }
    else if toporest ? cycle then toporest
    else { result = [ dfsthis.minimal ] ++ toporest.result; };

  # A 15,000-character PATH-like string of 1,500 components; split 3 times (10 chars each).
  components = genList (i: "/p/${toString (10000 + i)}") 1500;
  path = concatStringsSep ":" components;
  splits = genList (i: splitString ":" (path + ":/x${toString i}")) 3;
  # and a multi-character separator over a 15,000-character string of lines
  text = concatMapStrings (i: "line ${toString (1000 + i)}\r\n") (genList (i: i) 1500);
  lines = splitString "\r\n" text;

  # concatMapStrings / escapeShellArg / hasPrefix / optional, as in a builder's shell script
  flags = genList (i: "--with-feature-${toString i}=it's ${toString (i * 7)}") 20000;
  script = concatMapStrings (f: "${escapeShellArg f} \\\n") flags;
  escaped = escapeShellArgs flags;
  prefixed = length (filter (hasPrefix "--with-feature-1") flags);
  suffixed = length (filter (hasSuffix "7") flags);
  opts = concatMap (i: optional (i / 3 * 3 == i) "a${toString i}" ++ optionals (i / 5 * 5 == i) [ "b" "c" ]) (genList (i: i) 60000);

  # flatten of a nested list (buildInputs-like), unique of the result (quadratic, as in 20.09)
  nested = genList (i: [ "dep${toString (i / 4)}" [ "lib${toString (i / 8)}" [ "dev${toString (i / 16)}" ] ] ]) 3000;
  flat = flatten nested;
  uniq = unique flat;

  # toposort of 120 path-like strings by prefix (O(n^2) calls of `before`, recursion depth n)
  dirs = genList (i: concatStringsSep "/" (genList (j: "d${toString (j + i / 12)}") (1 + i - i / 12 * 12))) 120;
  topo = toposort hasPrefix (reverseList dirs);
in
{
  splitCounts = map length splits;
  splitLast = head (reverseList (head splits));
  lines = length lines;
  scriptLen = stringLength script;
  escapedLen = stringLength escaped;
  inherit prefixed suffixed;
  opts = length opts;
  flat = length flat;
  unique = length uniq;
  topoFirst = head topo.result;
  topoLen = length topo.result;
}
