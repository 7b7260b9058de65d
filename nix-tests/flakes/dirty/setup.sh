# A dirty work tree: a tracked file changed and an untracked file beside it. Only tracked
# files are copied, with their current contents; there is no `rev`.
mkdir -p top
cat > top/flake.nix <<'NIX'
{
  outputs = { self }: {
    info = {
      hasRev = self ? rev;
      files = builtins.attrNames (builtins.readDir self.outPath);
      text = builtins.readFile ./tracked;
      inherit (self) narHash lastModified;
    };
  };
}
NIX
echo one > top/tracked
new_repo top
echo two > top/tracked
echo untracked > top/untracked
