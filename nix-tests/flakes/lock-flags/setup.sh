# Locking flags: an old lock is kept until an input is updated; --no-write-lock-file,
# --update-input, --recreate-lock-file, --override-input; a new input in flake.nix is
# locked and the rest of the lock kept, unless --no-update-lock-file forbids the change.
W=$PWD
mkdir -p b b2 top/c
echo '{ outputs = { self }: { v = "b1"; }; }' > b/flake.nix
new_repo b
echo '{ outputs = { self }: { v = "other"; }; }' > b2/flake.nix
new_repo b2
echo '{ outputs = { self }: { v = "c"; }; }' > top/c/flake.nix
cat > top/flake.nix <<NIX
{
  inputs.b.url = "git+file://$W/b";
  inputs.c.url = "path:./c";
  outputs = { self, b, c }: { v = [ b.v c.v b.revCount ]; };
}
NIX
new_repo top
