# A git input in a nested folder of its repository: `?dir=` with a `/` goes into the
# lock file's `url` as Nix 2.8 encodes it (`libs%2futil`).
W=$PWD
mkdir -p mono/libs/util f
echo '{ outputs = { self }: { v = "util"; }; }' > mono/libs/util/flake.nix
new_repo mono
echo "{ inputs.u.url = \"git+file://$W/mono?dir=libs/util\"; outputs = { self, u }: { v = u.v; }; }" > f/flake.nix
fix_mtimes f
