# A `?dir=` input: a repository whose flake lives in a subfolder, next to a root flake.
W=$PWD
mkdir -p repo/sub top
echo '{ outputs = { self }: { where = "root"; }; }' > repo/flake.nix
echo '{ outputs = { self }: { where = "sub"; file = builtins.readFile ./data; }; }' > repo/sub/flake.nix
echo 'in sub' > repo/sub/data
new_repo repo
cat > top/flake.nix <<NIX
{
  inputs.s.url = "git+file://$W/repo?dir=sub";
  inputs.r.url = "git+file://$W/repo";
  outputs = { self, s, r }: { v = [ s.where s.file r.where ]; same = s.sourceInfo.outPath == r.sourceInfo.outPath; };
}
NIX
new_repo top
