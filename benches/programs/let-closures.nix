# Functions whose `let` binds functions and lazy results, called many times: the shape of
# nixpkgs helpers (`let f = ...; in { inherit f; ... }`, `mapAttrs` over a base set in a
# `let`, a helper returning a function to call again). A function defined in a `let`
# that names none of its bindings no longer holds the `let`'s frame, so such a frame is
# freed by counting (it was a cycle only a collector frees: 3.3x Nix's memory).
let
  inherit (builtins) genList foldl' length mapAttrs attrNames listToAttrs;
  base = listToAttrs (genList (j: { name = "k${toString j}"; value = j; }) 40);
  mk = i:
    let
      items = genList (j: j + i) 100;
      scaled = mapAttrs (n: v: v * 2 + i) base;
      again = n: mk (i + n);
      describe = prefix: "${prefix}-${toString i}";
    in
    { n = length items + scaled.k7; inherit again describe; };
  pkg = i:
    let
      args = { version = i; name = "p${toString i}"; };
      build = a: { inherit (a) version name; out = "/nix/store/${a.name}"; };
      withVersion = v: build (args // { version = v; });
    in
    (build args) // { inherit withVersion; };
  sum = foldl' (acc: i: acc + (mk i).n + (pkg i).version) 0 (genList (i: i) 60000);
  names = length (attrNames (listToAttrs (genList (i: { name = (mk i).describe "m"; value = i; }) 20000)));
in
{ inherit sum names; }
