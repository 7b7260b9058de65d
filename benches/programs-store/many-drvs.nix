# 2,000 derivations in a chain of 20 layers of 100: each depends on two of the layer
# below, so writing them exercises inputDrvs, the modulo-hash memo and the store writes.
# `nonce` makes every path new, so each run really writes.
{ n ? 2000, width ? 100, nonce ? "" }:
let
  mk = name: attrs: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; args = [ "-c" "echo ${name} > $out" ]; inherit nonce; } // attrs);
  layer = l: builtins.genList (i:
    let below = if l == 0 then [] else layers.${toString (l - 1)}; in
    mk "drv-${toString l}-${toString i}" (if below == [] then {} else {
      a = builtins.elemAt below i;
      b = builtins.elemAt below (if i + 1 == width then 0 else i + 1);
    })) width;
  layers = builtins.listToAttrs (builtins.genList (l: { name = toString l; value = layer l; }) (n / width));
in builtins.concatLists (builtins.attrValues layers)
