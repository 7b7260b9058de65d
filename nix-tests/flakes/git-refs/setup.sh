# A repository whose subflake is asked for at a ref or revision (no work tree to write its
# lock into: Nix refuses, `--no-write-lock-file` evaluates), `?ref=HEAD`, a shallow input
# (no `revCount` in its lock or `sourceInfo`; `fetchGit` then says 0), and output names
# spelled percent-encoded after `#`.
W=$PWD
mkdir -p dep repo/sub top
echo '{ outputs = { self }: { name = "dep"; }; }' > dep/flake.nix
cat > repo/sub/flake.nix <<NIX
{ inputs.d.url = "path:$W/dep"; outputs = { self, d }: { v = d.name; }; }
NIX
echo '{ outputs = { self }: { v = "root"; }; }' > repo/flake.nix
new_repo repo
echo more > repo/extra; commit repo second
cat > top/flake.nix <<NIX
{
  inputs.shallow = { url = "git+file://$W/repo?shallow=1"; flake = false; };
  inputs.head = { url = "git+file://$W/repo?ref=HEAD"; flake = false; };
  outputs = { self, shallow, head }: {
    counts = { shallow = shallow.revCount or "none"; head = head.revCount; same = shallow.rev == head.rev; };
    fetched = (builtins.fetchGit { url = "file://$W/repo"; shallow = true; }).revCount;
    "x y" = 6;
    foo.bar = 7;
  };
}
NIX
new_repo top
