# A dependency's own flake.lock: an input fetched anew (first lock, --update-input of the
# dependency, --recreate-lock-file) takes its inputs from the dependency's lock file, not
# their newest revisions; --update-input dep/lib updates only the input below. An input
# already locked keeps its lock (and stays a flake) when `flake = false` is added to it.
W=$PWD
mkdir -p lib dep top a
echo '{ outputs = { self }: { v = "lib1"; }; }' > lib/flake.nix
new_repo lib
cat > dep/flake.nix <<NIX
{
  inputs.lib.url = "git+file://$W/lib";
  outputs = { self, lib }: { v = "dep+" + lib.v; };
}
NIX
new_repo dep
echo '{ outputs = { self }: { v = "a"; }; }' > a/flake.nix
new_repo a
cat > top/flake.nix <<NIX
{
  inputs.dep.url = "git+file://$W/dep";
  inputs.a.url = "git+file://$W/a";
  outputs = { self, dep, a }: { v = [ dep.v (a.v or "not a flake") ]; };
}
NIX
new_repo top
