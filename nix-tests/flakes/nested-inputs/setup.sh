# A dependency's own inputs: one overridden by a `follows` of the top flake, a
# `flake = false` tree read through `${raw}`, and a subflake (`?dir=sub`) whose relative
# `path:..` input names the root of its repository's store copy (a store path named
# `source`: Nix locks it with `lastModified = 0`, not the mtime 1 of files inside one).
W=$PWD
mkdir -p c c2 raw a mono/sub top
echo '{ outputs = { self }: { v = "c"; }; }' > c/flake.nix
echo '{ outputs = { self }: { v = "c2"; }; }' > c2/flake.nix
echo hello > raw/data.txt
echo '{ outputs = { self }: { v = "top"; }; }' > mono/flake.nix
cat > mono/sub/flake.nix <<'NIX'
{ inputs.up.url = "path:.."; outputs = { self, up }: { v = [ "sub" up.v ]; }; }
NIX
cat > a/flake.nix <<NIX
{ inputs.c2.url = "git+file://$W/c2";
  inputs.raw = { url = "git+file://$W/raw"; flake = false; };
  inputs.nested.url = "git+file://$W/mono?dir=sub";
  outputs = { self, c2, raw, nested }: {
    v = [ "a" c2.v (builtins.readFile "\${raw}/data.txt") nested.v ];
    # Less sourceInfo, which modern Nix adds to a non-flake input (Nix 2.8 has none).
    rawKeys = builtins.attrNames (builtins.removeAttrs raw [ "sourceInfo" ]);
  };
}
NIX
cat > top/flake.nix <<NIX
{ inputs.a.url = "git+file://$W/a";
  inputs.c.url = "path:$W/c";
  inputs.a.inputs.c2.follows = "c";
  inputs.m.url = "git+file://$W/mono?dir=sub";
  outputs = inputs@{ self, a, ... }: {
    v = a.v;
    rawKeys = a.rawKeys;
    m = inputs.m.v;
    aInputs = builtins.attrNames a.inputs;
    c2 = a.inputs.c2.v;
  };
}
NIX
for d in c2 raw mono a; do new_repo $d; done
fix_mtimes c
new_repo top
