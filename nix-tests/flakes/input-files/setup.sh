# What a flake reads from its inputs and from the store paths evaluation itself made,
# and how its inputs and lock file are checked (found by a differential bug hunt):
# - `readFile` of a file in an input (a `flake = false` git input, `self`) has no
#   context: `fromJSON` takes it and a derivation using it has no extra input;
# - `readFile "${./msg.txt}"`, `import "${./inc.nix}"`, `readDir "${./.}"` read back
#   what the copy put in the store, in pure mode;
# - a lock file that locks the same as Nix would write is left alone whatever its
#   layout (no final newline, four-space indentation, version 5);
# - a lock entry pinned by neither a revision nor a hash, an unknown input attribute
#   (`uri`) and an input that is a string, not a set, are errors.
W=$PWD
mkdir -p data top copied relock relock5 mutable typo stringinput lib
echo '{ "k": 42 }' > data/conf.json
new_repo data
echo '[1]' > top/x.json
cat > top/flake.nix <<NIX
{
  inputs.data = { url = "git+file://$W/data"; flake = false; };
  outputs = { self, data }: {
    conf = builtins.fromJSON (builtins.readFile "\${data}/conf.json");
    ctx = builtins.getContext (builtins.readFile "\${data}/conf.json");
    selfConf = builtins.fromJSON (builtins.readFile "\${self}/x.json");
    drv = derivation {
      name = "d"; system = "x86_64-linux"; builder = "/bin/sh";
      text = builtins.readFile "\${data}/conf.json";
    };
  };
}
NIX
new_repo top
echo hello > copied/msg.txt
echo 'x: x + 1' > copied/inc.nix
cat > copied/flake.nix <<'NIX'
{
  outputs = { self }: {
    readCopied = builtins.readFile "${./msg.txt}";
    importCopied = import "${./inc.nix}" 1;
    readDirCopied = builtins.attrNames (builtins.readDir "${./.}");
  };
}
NIX
echo '{ outputs = { self }: { v = 1; }; }' > lib/flake.nix
new_repo lib
for d in relock relock5; do
  cat > $d/flake.nix <<NIX
{ inputs.lib.url = "git+file://$W/lib"; outputs = { self, lib }: { v = lib.v; }; }
NIX
done
new_repo relock
new_repo relock5
cat > mutable/flake.nix <<NIX
{ inputs.lib.url = "git+file://$W/lib"; outputs = { self, lib }: { v = lib.v; }; }
NIX
cat > mutable/flake.lock <<NIX
{
  "nodes": {
    "lib": {
      "locked": { "ref": "main", "type": "git", "url": "file://$W/lib" },
      "original": { "type": "git", "url": "file://$W/lib" }
    },
    "root": { "inputs": { "lib": "lib" } }
  },
  "root": "root",
  "version": 7
}
NIX
cat > typo/flake.nix <<NIX
{ inputs.lib.uri = "git+file://$W/lib"; outputs = { self, lib }: { v = lib.v; }; }
NIX
cat > stringinput/flake.nix <<NIX
{ inputs.lib = "git+file://$W/lib"; outputs = { self, lib }: { v = lib.v; }; }
NIX
