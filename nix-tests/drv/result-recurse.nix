{
  a = import ./lib/mk.nix "rec-a" {};
  nested = { recurseForDerivations = true; c = import ./lib/mk.nix "rec-c" {}; deeper = { recurseForDerivations = true; d = import ./lib/mk.nix "rec-d" {}; }; };
}
