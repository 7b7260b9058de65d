# What `flake.nix` declares must be written out, not computed (Nix's `expectType` with
# `forceTrivialValue`, 2.8 and modern alike): an application, an interpolation or a call
# of a builtin in `description`, `inputs`, an input's `url` or `outputs` is refused as
# "a thunk" before anything is evaluated (for a `url` modern Nix says "a string or a
# path", 2.8 "a string": only its failure is compared). Sets, lists and functions are
# forced, and attributes are checked in Nix's order (`description`, `inputs`, `outputs`,
# `nixConfig`, then any other). Found by a differential flake hunt: rnix-eval evaluated
# them all.
mkdir -p desc outputs inputs url order fine dep
echo '{ outputs = { self }: { v = 0; }; }' > dep/flake.nix
echo '{ description = "desc ${"x"}"; outputs = { self }: { v = 1; }; }' > desc/flake.nix
echo '{ outputs = import ./outputs.nix; }' > outputs/flake.nix
echo '{ self }: { v = 2; }' > outputs/outputs.nix
echo '{ inputs = builtins.fromJSON "{}"; outputs = { self }: { v = 3; }; }' > inputs/flake.nix
cat > url/flake.nix <<NIX
{ inputs.d = { url = "path:" + "$PWD/dep"; }; outputs = { self, d }: { v = 4; }; }
NIX
echo '{ extra = 1; outputs = 5; }' > order/flake.nix
cat > fine/flake.nix <<NIX
{
  description = "plain";
  inputs = { d = { url = "path:$PWD/dep"; flake = true; }; };
  nixConfig = { };
  outputs = { self, d }: { v = [ 6 d.v ]; };
}
NIX
for d in desc outputs inputs url order fine; do new_repo $d; done
