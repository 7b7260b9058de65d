# Shapes of flakes users write, from a differential bug hunt: nixpkgs' impure.nix probes
# (`tryEval <nixpkgs-overlays>`, `pathExists` of a forbidden path) in pure mode, the
# order `REF#x` tries its attribute paths in, fragments that name the flake's own
# attributes rather than its outputs, relative `path:` references on the command line,
# a `flake.nix` that is not an attribute set, a dangling `follows`, an override of a
# `flake = false` input, and `getFlake` of a flake with an unlocked input in pure mode.
W=$PWD
mkdir -p probe order notattrs dangling lib lib2 nonflake user top
cat > probe/flake.nix <<'NIX'
{ outputs = { self }: {
    overlays = builtins.tryEval <nixpkgs-overlays>;
    exists = builtins.pathExists /etc/hostname;
    impureLike = builtins.tryEval (toString <nixpkgs-overlays>);
  };
}
NIX
cat > order/flake.nix <<'NIX'
{ outputs = { self }: {
    hello = "top";
    packages.x86_64-linux.hello = "pkg";
    legacyPackages.x86_64-linux = { hello = "legacy"; only = "legacy-only"; thrown = throw "legacy throws"; };
    thrown = "top-level";
    d = throw "top-level throws";
    packages.x86_64-linux.d = "pkg-d";
  };
}
NIX
echo 'let v = 1; in { outputs = { self }: { a = v; }; }' > notattrs/flake.nix
echo '{ inputs.x.follows = "nope"; outputs = { self, ... }: { a = 1; }; }' > dangling/flake.nix
echo '{ outputs = { self }: { v = 1; }; }' > lib/flake.nix
echo '{ outputs = { self }: { v = 2; }; }' > lib2/flake.nix
cat > nonflake/flake.nix <<NIX
{ inputs.x = { url = "path:$W/lib"; flake = false; };
  outputs = { self, x }: { a = x.v or "not a flake"; }; }
NIX
cat > user/flake.nix <<NIX
{ inputs.l.url = "path:$W/lib"; outputs = { self, l }: { v = l.v; }; }
NIX
new_repo user
rev=$(cd user && git rev-parse HEAD)
cat > top/flake.nix <<NIX
{ outputs = { self }: { v = (builtins.getFlake "git+file://$W/user?rev=$rev").v; }; }
NIX
for d in probe order; do fix_mtimes $d; done
