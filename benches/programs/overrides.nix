# A nixpkgs-style package set in a `makeScope` with `callPackage`, `makeOverridable`,
# `.override`, `.overrideAttrs` and `overrideScope'` chains, the library functions written
# as nixpkgs 20.09 has them (lib/customisation.nix, lib/fixed-points.nix, lib/trivial.nix,
# stdenv's mkDerivation reduced to an attribute set: no derivations).
let
  inherit (builtins) intersectAttrs functionArgs isFunction isAttrs listToAttrs genList
    attrNames foldl' length stringLength elemAt toString;

  # lib/trivial.nix
  setFunctionArgs = f: args: { __functor = self: f; __functionArgs = args; };
  lfunctionArgs = f: if f ? __functor then f.__functionArgs or (lfunctionArgs (f.__functor f)) else functionArgs f;
  lisFunction = f: isFunction f || (f ? __functor && lisFunction (f.__functor f));
  flip = f: a: b: f b a;

  # lib/fixed-points.nix
  fix = f: let x = f x; in x;
  extends = f: rattrs: self: let super = rattrs self; in super // f self super;
  composeExtensions = f: g: final: prev:
    let fApplied = f final prev; prev' = prev // fApplied; in fApplied // g final prev';

  # lib/customisation.nix
  makeOverridable = f: origArgs:
    let
      result = f origArgs;
      copyArgs = g: setFunctionArgs g (lfunctionArgs f);
      overrideWith = newArgs: origArgs // (if lisFunction newArgs then newArgs origArgs else newArgs);
      overrideResult = g: makeOverridable (copyArgs (args: g (f args))) origArgs;
    in
    if isAttrs result then
      result // {
        override = copyArgs (newArgs: makeOverridable f (overrideWith newArgs));
        ${if result ? overrideAttrs then "overrideAttrs" else null} = fdrv:
          overrideResult (x: x.overrideAttrs fdrv);
      }
    else if lisFunction result then
      setFunctionArgs result (lfunctionArgs result) // { override = overrideArgs: makeOverridable f (overrideWith overrideArgs); }
    else result;
  callPackageWith = autoArgs: fn: args:
    let auto = intersectAttrs (lfunctionArgs fn) autoArgs; in makeOverridable fn (auto // args);
  makeScope = newScope: f:
    let
      self = f self // {
        newScope = scope: newScope (self // scope);
        callPackage = self.newScope { };
        overrideScope' = g: makeScope newScope (extends g f);
        packages = f;
      };
    in
    self;

  # stdenv.mkDerivation, reduced: attrs in, a "derivation-like" set out, overrideAttrs as in 20.09
  mkDerivation = attrs:
    let
      deps = attrs.buildInputs or [ ];
      outPath = "/nix/store/${attrs.name}-${toString (foldl' (n: d: n + stringLength d.outPath) 0 deps)}";
    in
    attrs // {
      type = "derivation";
      inherit outPath;
      drvPath = outPath + ".drv";
      overrideAttrs = f: mkDerivation (attrs // (f attrs));
    };

  n = 6000;
  pname = i: "pkg${toString i}";
  # Each package is a function of stdenv, a few dependencies (by name) and flags.
  package = i:
    let
      d1 = pname (i / 2);
      d2 = pname (i / 3);
      body = args: args.stdenv.mkDerivation {
        name = "${pname i}-1.${toString (args.minor or 0)}";
        buildInputs = if i == 0 then [ ] else [ args.${d1} args.${d2} ];
        doCheck = args.doCheck or false;
      };
    in
    setFunctionArgs body ({ stdenv = false; minor = true; doCheck = true; }
      // (if i == 0 then { } else listToAttrs [ { name = d1; value = false; } { name = d2; value = false; } ]));

  # the top-level set the scope's newScope starts from, as `pkgs.newScope` in nixpkgs
  pkgs = { stdenv = { inherit mkDerivation; }; lib = { inherit fix extends; }; };
  newScope = extra: callPackageWith (pkgs // extra);
  base = self: listToAttrs (genList (i: { name = pname i; value = self.callPackage (package i) { }; }) n);
  scope0 = makeScope newScope base;

  # 30 overlays through overrideScope': overrides, overrideAttrs, and chains of both
  overlay = k: final: prev: listToAttrs (genList
    (j:
      let i = (j * 7 + k * 13) - (j * 7 + k * 13) / n * n; name = pname i; in {
        inherit name;
        value = ((prev.${name}.override { minor = k; }).overrideAttrs (o: { doCheck = !o.doCheck; version = k; }))
          .override (old: { doCheck = old.doCheck or false; });
      }) 300);
  final = foldl' (s: k: s.overrideScope' (overlay k)) scope0 (genList (k: k) 30);

  names = attrNames (final.packages final);
  outs = map (name: final.${name}.outPath or "") (genList pname n);
  lens = foldl' (acc: o: acc + stringLength o) 0 outs;
  checked = length (builtins.filter (name: final.${name}.doCheck or false) (genList pname n));
  chain = foldl' (p: k: (p.override { minor = k; }).overrideAttrs (o: { name = o.name + "x"; })) final.pkg77 (genList (k: k) 300);
in
{
  inherit lens checked;
  chainName = stringLength chain.name;
  last = final.${pname (n - 1)}.name;
  total = length names;
  composed = (makeScope newScope (extends (composeExtensions (overlay 1) (overlay 2)) base)).pkg13.version;
}
