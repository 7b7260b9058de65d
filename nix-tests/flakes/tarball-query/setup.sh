# Tarball inputs whose URL has query parameters that are not input attributes: an unknown
# one (GitLab's `?sha=`) and `dir` stay in the locked URL, as Nix 2.8 writes them (they were
# moved out into attributes, a lock Nix 2.8 cannot read: `unsupported tarball input
# attribute`); `dir` also names the flake's folder in the archive.
W=$PWD
mkdir -p pkg/top/sub top
echo '{ outputs = { self }: { v = "top"; }; }' > pkg/top/flake.nix
echo '{ outputs = { self }: { v = "subdir"; }; }' > pkg/top/sub/flake.nix
fix_mtimes pkg
tar czf pkg.tar.gz --owner=0 --group=0 --mtime=@1600000000 -C pkg top
cat > top/flake.nix <<NIX
{
  inputs.q.url = "file://$W/pkg.tar.gz?sha=abc";
  inputs.d.url = "file://$W/pkg.tar.gz?dir=sub";
  outputs = { self, q, d }: { v = [ q.v d.v ]; };
}
NIX
new_repo top
