# Broken flakes: each must fail (in Nix and in rnix-eval) without writing a lock file.
W=$PWD
mkdir -p nofile notfun badhash offline
echo 'x' > nofile/readme
echo '{ outputs = 1; }' > notfun/flake.nix
mkdir -p dep && echo '{ outputs = { self }: { }; }' > dep/flake.nix
cat > badhash/flake.nix <<NIX
{ inputs.d.url = "path:$W/dep?narHash=sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="; outputs = { self, d }: { v = 1; }; }
NIX
cat > offline/flake.nix <<'NIX'
{ inputs.n.url = "github:NixOS/nixpkgs/nixos-20.09"; outputs = { self, n }: { v = 1; }; }
NIX
for d in nofile notfun badhash offline; do new_repo $d; done
