# `//` chains as nixpkgs writes them: many small updates onto medium sets (`attrs // { x = ..; }`
# in folds, `a // b // c // d // ...` literal chains, `super // f self super` overlays,
# `meta // { ... }`, `passthru // ...`), the sets between 10 and 400 attributes.
let
  inherit (builtins) foldl' genList listToAttrs attrNames length toString;

  medium = k: listToAttrs (genList (i: { name = "a${toString i}"; value = i + k; }) 200);
  base = medium 0;
  small = i: { "a${toString (i - i / 200 * 200)}" = i; extra = i; };

  # 1: 60,000 one- and two-attribute updates onto a 200-attribute set, kept strict
  folded = foldl' (acc: i: builtins.seq acc.extra or 0 (acc // small i)) base (genList (i: i) 60000);

  # 2: literal chains of 8 updates, 6,000 times (derivation attrs the way stdenv builds them)
  meta = { description = "a package"; license = "mit"; platforms = [ "x86_64-linux" ]; maintainers = [ ]; };
  chain = i:
    let
      attrs = { name = "p${toString i}"; version = "1.${toString i}"; src = "/src/${toString i}"; };
      passthru = { tests = { }; updateScript = null; inherit i; };
    in
    base // attrs // { meta = meta // { position = i; }; } // passthru
      // { outputs = [ "out" ]; } // (if i / 2 * 2 == i then { doCheck = true; } else { })
      // medium i // { final = i; };
  chains = genList chain 6000;
  chainSum = foldl' (s: c: s + c.final + c.a199 + c.meta.position) 0 chains;

  # 3: 300 overlays `super // f self super` over a 400-attribute set, each updating 5 names
  fix = f: let x = f x; in x;
  extends = f: rattrs: self: let super = rattrs self; in super // f self super;
  big = self: listToAttrs (genList (i: { name = "p${toString i}"; value = i; }) 400);
  overlay = k: self: super: listToAttrs (genList (j: let n = "p${toString (k + j * 17)}"; in { name = n; value = super.${n} + 1; }) 5);
  fixed = fix (foldl' (f: k: extends (overlay k) f) big (genList (k: k) 300));
  fixedSum = foldl' (s: n: s + fixed.${n}) 0 (attrNames fixed);

  # 4: nested updates, one level down (config-like `cfg // { sub = cfg.sub // { ... }; }`)
  cfg0 = { sub = base; other = { x = 1; }; };
  nested = foldl' (c: i: builtins.seq c.sub.a0 (c // { sub = c.sub // { a0 = i; "n${toString (i - i / 50 * 50)}" = i; }; })) cfg0 (genList (i: i) 20000);
in
{
  folded = folded.extra + folded.a17 + length (attrNames folded);
  inherit chainSum fixedSum;
  nested = nested.sub.a0 + length (attrNames nested.sub);
}
