# A nixpkgs-lib-like workload.
# Measures: fixed points (`fix`), overlay composition (`extends`, foldl' over
# a list of overlays) on a 5k-attribute package set whose members refer to
# each other through `self`, mapAttrs, attrNames, filter, elem, partition,
# groupBy, concatMap, and `sort` of 50k ints with a lambda comparator.
let
  # --- a tiny re-implementation of parts of nixpkgs/lib ---
  fix = f: let x = f x; in x;
  extends = overlay: f: self: let super = f self; in super // overlay self super;
  composeManyExtensions = builtins.foldl' (f: g: self: super:
    let fs = f self super; in fs // g self (super // fs)) (self: super: { });
  mod = a: b: a - a / b * b;
  range = first: last: builtins.genList (i: first + i) (last - first + 1);
  filterAttrs = pred: set: builtins.listToAttrs (builtins.concatMap
    (name: let v = set.${name}; in if pred name v then [ { inherit name; value = v; } ] else [ ])
    (builtins.attrNames set));
  mapAttrsToList = f: set: map (name: f name set.${name}) (builtins.attrNames set);
  sum = builtins.foldl' builtins.add 0;
  unique = builtins.foldl' (acc: e: if builtins.elem e acc then acc else acc ++ [ e ]) [ ];

  n = 5000;
  pname = i: "pkg${toString i}";

  # --- base package set: each package depends on up to two earlier ones via self ---
  base = self: builtins.listToAttrs (builtins.genList (i: {
    name = pname i;
    value = {
      name = pname i;
      version = mod (i * 7) 13;
      deps = if i < 2 then [ ] else [ self.${pname (i / 2)} self.${pname (i / 3)} ];
      weight = 1 + mod i 5;
    };
  }) n);

  # --- overlays ---
  overlayBump = self: super: builtins.mapAttrs (name: p: p // { version = p.version + 1; }) super;
  overlayExtra = self: super: {
    extra = { name = "extra"; version = 0; deps = [ self.pkg10 self.pkg20 ]; weight = 3; };
    pkg42 = super.pkg42 // { weight = 100; };
  };
  overlayTag = self: super: builtins.mapAttrs (name: p:
    if mod p.version 2 == 0 then p // { even = true; } else p) super;

  # a stack of generated overlays, each touching every package
  overlayN = k: self: super: builtins.mapAttrs (name: p:
    if mod (p.version + k) 3 == 0 then p // { weight = 1 + mod (p.weight + k) 5; rev = k; } else p) super;

  pkgs = fix (extends
    (composeManyExtensions ([ overlayBump overlayExtra ] ++ builtins.genList overlayN 80 ++ [ overlayTag ]))
    base);

  names = builtins.attrNames pkgs;
  evens = builtins.filter (name: pkgs.${name} ? even) names;
  heavy = filterAttrs (name: p: p.weight >= 4) pkgs;
  # depth of the dependency DAG, memoised through another fixed point
  depth = fix (self: builtins.mapAttrs (name: p:
    builtins.foldl' (m: d: let v = self.${d.name} + 1; in if v > m then v else m) 0 p.deps) pkgs);
  maxDepth = builtins.foldl' (m: v: if v > m then v else m) 0 (builtins.attrValues depth);
  totalWeight = sum (mapAttrsToList (name: p: p.weight) pkgs);
  allDeps = builtins.concatMap (name: map (d: d.name) pkgs.${name}.deps) names;
  groups = builtins.groupBy (name: toString pkgs.${name}.version) names;
  parts = builtins.partition (name: pkgs.${name}.weight > 2) names;

  # --- sort 50k pseudo-random ints with a lambda comparator ---
  rand = i: mod (i * 1103515245 + 12345) 2147483648;
  ints = builtins.genList rand 50000;
  sorted = builtins.sort (a: b: a < b) ints;
  sortedDesc = builtins.sort (a: b: builtins.lessThan b a) (builtins.genList (i: mod (rand i) 1000) 50000);
  smallList = map pname (range 0 200);
  elemHits = builtins.length (builtins.filter (i: builtins.elem (pname (i * 3)) smallList) (range 0 20000));
in
{
  count = builtins.length names;
  evens = builtins.length evens;
  heavy = builtins.length (builtins.attrNames heavy);
  inherit maxDepth totalWeight elemHits;
  deps = builtins.length allDeps;
  groups = builtins.length (builtins.attrNames groups);
  parts = builtins.length parts.right;
  uniqueVersions = builtins.length (unique (map (name: pkgs.${name}.version) names));
  sortedHead = builtins.head sorted;
  sortedLast = builtins.elemAt sorted (builtins.length sorted - 1);
  descHead = builtins.head sortedDesc;
  hasExtra = builtins.any (name: name == "extra") names;
  tailLen = builtins.length (builtins.tail sorted);
  pkg42weight = (builtins.getAttr "pkg42" pkgs).weight;
  allStrings = builtins.all builtins.isString names;
}
