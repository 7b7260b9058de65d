{
  a = import ./lib/mk.nix "set-a" {};
  b = import ./lib/mk.nix "set-b" {};
  notADrv = 42;
  nested = { c = import ./lib/mk.nix "set-c" {}; };
}
