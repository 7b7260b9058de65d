# A nixpkgs-style package set: 100,000 attributes made by a callPackage that auto-fills
# arguments with `builtins.intersectAttrs (builtins.functionArgs f) autoArgs` against the
# whole set, extended by 40 overlays through `extends`/`fix` (the small lib functions
# written inline, as nixpkgs' lib has them).
let
  n = 100000;
  fix = f: let x = f x; in x;
  extends = overlay: f: final: let prev = f final; in prev // overlay final prev;
  composeManyExtensions = builtins.foldl' (acc: o: final: prev:
    let p = acc final prev; in p // o final (prev // p)) (final: prev: { });
  callPackageWith = autoArgs: fn: args:
    let f = if builtins.isFunction fn then fn else import fn;
    in f (builtins.intersectAttrs (builtins.functionArgs f) autoArgs // args);
  name = i: "pkg${toString i}";
  base = self:
    let callPackage = callPackageWith self; in
    builtins.listToAttrs (builtins.genList (i: {
      name = name i;
      value =
        if i < 2 then callPackage ({ }: { size = 1; }) { }
        else callPackage ({ a ? null, b ? null }: { size = 1 + (if a == null then 0 else 1); })
          { a = self.${name (i - 1)}; b = self.${name (i - 2)}; };
    }) n);
  overlay = k: final: prev: {
    ${name (k * 1000)} = prev.${name (k * 1000)} // { patched = k; };
    "extra${toString k}" = { size = prev.${name k}.size; };
  };
  overlays = builtins.genList overlay 40;
  pkgs = fix (extends (composeManyExtensions overlays) base);
in {
  count = builtins.length (builtins.attrNames pkgs);
  sizes = builtins.foldl' (acc: i: acc + pkgs.${name i}.size) 0 (builtins.genList (i: i) n);
  patched = pkgs.${name 39000}.patched;
  extra = pkgs.extra39.size;
}
