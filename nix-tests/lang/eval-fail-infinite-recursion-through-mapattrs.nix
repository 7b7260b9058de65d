# A cell of mapAttrs is not blackholed while it runs (Nix calls a tApp without marking
# it): the cycle is found at the attribute the function selects, at its definition.
let opt = { value = cfg.x + 1; }; cfg = builtins.mapAttrs (n: v: v.value) { x = opt; }; in cfg.x
