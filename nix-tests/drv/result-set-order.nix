{
  zeta = import ./lib/mk.nix "zeta" {};
  Alpha = import ./lib/mk.nix "Alpha" {};
  beta = import ./lib/mk.nix "beta" {};
  "_x" = import ./lib/mk.nix "underscore" {};
  "1bad" = import ./lib/mk.nix "skipped-name" {};
}
