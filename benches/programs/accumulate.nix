# Shapes found by programs written outside this project (nixpkgs lib and module-system
# code): a set grown one or two attributes at a time by `foldl' (acc: x: acc // { .. })`
# (10,000 base attributes, 2,000 steps: each step copied the whole set, as in Nix, until
# the accumulator was updated in place); `mergeModules`' inner loop, `concatMap (d: if
# d.value ? ${name} then [ .. d.value.${name} .. ] else [ ]) defs` for each option name
# (interning the same dynamic name thousands of times); `replaceStrings` with 200
# patterns over a 200 KB text (every pattern was tried at every position, as in Nix).
let
  inherit (builtins) genList foldl' listToAttrs toString length attrNames concatMap
    replaceStrings stringLength concatStringsSep;
  mod = a: b: a - a / b * b;

  base = listToAttrs (genList (i: { name = "p${toString i}"; value = i; }) 10000);
  grown = foldl' (acc: k: acc // { "p${toString (k * 17)}" = k; "extra${toString k}" = k; }) base (genList (k: k) 2000);
  byName = foldl' (acc: i: acc // { "n${toString (mod (i * 7919) 5003)}" = i; }) { } (genList (i: i) 20000);

  n = 600;
  defs = genList (i: { file = "m${toString i}"; value = { "svc${toString (mod i n)}" = { enable = true; }; }; }) (2 * n);
  names = genList (i: "svc${toString i}") n;
  merged = listToAttrs (map (name: {
    inherit name;
    value = concatMap (d: if d.value ? ${name} then [ { inherit (d) file; value = d.value.${name}; } ] else [ ]) defs;
  }) names);

  words = genList (i: "w${toString i}") 200;
  text = concatStringsSep " " (genList (i: "w${toString (mod (i * 31) 400)} plain text here") 8000);
  replaced = replaceStrings words (map (w: "<${w}>") words) text;
in
{
  grown = length (attrNames grown);
  p3400 = grown.p3400;
  byName = length (attrNames byName);
  merged = foldl' (a: name: a + length merged.${name}) 0 names;
  replaced = stringLength replaced;
}
