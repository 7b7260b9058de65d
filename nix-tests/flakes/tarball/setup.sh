# A `flake = false` tarball input over file:// (one top-level folder, stripped), and a
# `file` input; both locked with their narHash.
W=$PWD
mkdir -p src/pkg top
echo 'tar content' > src/pkg/readme
fix_mtimes src
tar --sort=name --mtime=@1600000000 --owner=0 --group=0 --numeric-owner -czf src.tar.gz -C src pkg
cat > top/flake.nix <<NIX
{
  inputs.t = { url = "file://$W/src.tar.gz"; flake = false; };
  outputs = { self, t }: { text = builtins.readFile "\${t}/readme"; info = { inherit (t) narHash; p = t.outPath; }; };
}
NIX
new_repo top
