# How an input's URL is read when it is not the canonical `path:`/`git+file://` form
# (found by a differential flake hunt):
# - `./dep` with no scheme is relative to the flake that declares it (it was resolved
#   against the working directory: from the folder above, another flake or none);
# - `git+file:/abs` (one slash, no authority) names the same local repository as
#   `git+file:///abs`, and the lock file keeps the URL as written.
mkdir -p top/dep top/sub repo consumer
cat > top/dep/flake.nix <<'NIX'
{ outputs = { self }: { val = 41; }; }
NIX
echo from-sub > top/sub/a
cat > top/flake.nix <<'NIX'
{
  inputs.dep.url = "./dep";
  inputs.raw = { url = "./sub"; flake = false; };
  outputs = { self, dep, raw }: {
    x = dep.val + 1;
    text = builtins.readFile "${raw}/a";
  };
}
NIX
new_repo top
cat > repo/flake.nix <<'NIX'
{ outputs = { self }: { v = "from-repo"; }; }
NIX
new_repo repo
cat > consumer/flake.nix <<NIX
{ inputs.x.url = "git+file:$PWD/repo"; outputs = { self, x }: { v = x.v; }; }
NIX
new_repo consumer
