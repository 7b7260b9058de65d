# git+file inputs: `a` has its own inputs (`b` at a ref, `c`, which has input `b`); `a`
# makes `c/b` follow its `b`, and the top flake makes `a/b` follow its own `b`.
W=$PWD
mkdir -p b c a top
echo '{ outputs = { self }: { v = 1; }; }' > b/flake.nix
new_repo b
echo 'hello' > b/extra; commit b second
cat > c/flake.nix <<NIX
{ inputs.b.url = "git+file://$W/b"; outputs = { self, b }: { v = b.v + 10; }; }
NIX
new_repo c
cat > a/flake.nix <<NIX
{
  inputs.b.url = "git+file://$W/b?ref=main";
  inputs.c.url = "git+file://$W/c";
  inputs.c.inputs.b.follows = "b";
  outputs = { self, b, c }: { v = b.v + c.v + 100; brev = b.rev; }; }
NIX
new_repo a
cat > top/flake.nix <<NIX
{
  inputs.a.url = "git+file://$W/a";
  inputs.b.url = "git+file://$W/b";
  inputs.a.inputs.b.follows = "b";
  outputs = { self, a, b }: {
    v = a.v + b.v;
    revs = { a = a.rev; b = b.rev; ab = a.brev; abRev = a.inputs.b.rev; acb = a.inputs.c.inputs.b.revCount; };
    counts = { a = a.revCount; b = b.revCount; };
  };
}
NIX
new_repo top
