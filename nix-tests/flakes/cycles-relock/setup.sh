# Flake graphs from a differential bug hunt: flakes that import themselves or each other
# (`found circular import`, not an endless descent), a flake in a subfolder of a git
# repository locking a sibling (the lock goes to the subfolder, not to a path built
# from the `?dir=` URL), `git+file:` references relative to the working folder, a
# `follows` override that is removed (the input is locked again at its own revision),
# `--override-input` of an input the flake does not declare (a warning, no new input),
# and a `path:` input that is a file (its mtime is `lastModified`).
W=$PWD
mkdir -p selfref a b lib lib2 mid app ov
echo "{ inputs.me.url = \"path:$W/selfref\"; outputs = { self, me }: { v = 1; }; }" > selfref/flake.nix
echo "{ inputs.b.url = \"path:$W/b\"; outputs = { self, b }: { v = 1; }; }" > a/flake.nix
echo "{ inputs.a.url = \"path:$W/a\"; outputs = { self, a }: { v = 2; }; }" > b/flake.nix
echo '{ outputs = { self }: { v = 1; }; }' > lib/flake.nix
echo '{ outputs = { self }: { v = 2; }; }' > lib2/flake.nix
echo "{ inputs.lib.url = \"path:$W/lib\"; outputs = { self, lib }: { v = lib.v; }; }" > mid/flake.nix
cat > app/flake.nix <<NIX
{
  inputs.lib.url = "path:$W/lib2";
  inputs.mid.url = "path:$W/mid";
  inputs.mid.inputs.lib.follows = "lib";
  outputs = { self, lib, mid }: { v = [ lib.v mid.v ]; };
}
NIX
echo '{ outputs = { self, ... }@inputs: { names = builtins.attrNames inputs; }; }' > ov/flake.nix
mkdir -p mono/lib mono/sub
echo '{ outputs = { self }: { v = "lib"; }; }' > mono/lib/flake.nix
echo '{ inputs.lib.url = "path:../lib"; outputs = { self, lib }: { v = "sub+" + lib.v; }; }' > mono/sub/flake.nix
new_repo mono
mkdir -p withfile
echo 'some text' > data.txt
echo "{ inputs.f = { url = \"path:$W/data.txt\"; flake = false; }; outputs = { self, f }: { v = builtins.readFile f; }; }" > withfile/flake.nix
fix_mtimes .
