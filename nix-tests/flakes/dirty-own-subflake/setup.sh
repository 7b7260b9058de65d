# A flake whose input is a subflake of its own git repository (`git+file://...?dir=sub`)
# while that work tree is dirty. The lock records the dirty tree's `narHash`; writing
# `flake.lock` into the same tree (and `git add -N` of it) then changes the tree, and the
# locked input is taken from the store as Nix takes a locked input that "has all info"
# (Nix 2.8) or is final (modern Nix). Found by a differential flake hunt: rnix-eval
# fetched the work tree again and failed with `NAR hash mismatch`. An edit of the
# subflake after locking is not seen until the lock is updated.
W=$PWD
mkdir -p mono/sub
echo '{ outputs = { self }: { v = 1; }; }' > mono/sub/flake.nix
cat > mono/flake.nix <<NIX
{
  inputs.s.url = "git+file://$W/mono?dir=sub";
  outputs = { self, s }: { v = s.v; dirty = s.sourceInfo ? rev; };
}
NIX
new_repo mono
echo x > mono/extra
git -C mono add extra
