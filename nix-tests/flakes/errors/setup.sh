# Broken flakes: each must fail (in Nix and in rnix-eval) without writing a lock file.
W=$PWD
mkdir -p nofile notfun badhash offline cfgset cfglist cfgnull cfgok
echo 'x' > nofile/readme
echo '{ outputs = 1; }' > notfun/flake.nix
mkdir -p dep && echo '{ outputs = { self }: { }; }' > dep/flake.nix
cat > badhash/flake.nix <<NIX
{ inputs.d.url = "path:$W/dep?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; outputs = { self, d }: { v = 1; }; }
NIX
cat > offline/flake.nix <<'NIX'
{ inputs.n.url = "github:NixOS/nixpkgs/nixos-20.09"; outputs = { self, n }: { v = 1; }; }
NIX
# nixConfig settings: strings, paths, integers, Booleans and lists of strings only.
echo '{ nixConfig.bad = { y = 1; }; outputs = { self }: { v = 1; }; }' > cfgset/flake.nix
echo '{ nixConfig.bad = [ "a" 2 ]; outputs = { self }: { v = 1; }; }' > cfglist/flake.nix
echo '{ nixConfig.bad = null; outputs = { self }: { v = 1; }; }' > cfgnull/flake.nix
echo '{ nixConfig = { a = "s"; b = 1; c = true; d = [ "x" ]; e = ./flake.nix; }; outputs = { self }: { v = 1; }; }' > cfgok/flake.nix
for d in nofile notfun badhash offline cfgset cfglist cfgnull cfgok; do new_repo $d; done
