# Symlinks in a flake's source: links inside the tree are followed (files, folders, a link
# in a subfolder going up); a relative link out of the tree leads out of the store path
# (not to the folder beside the local copy), and an absolute one is outside what pure
# evaluation may read: both fail, in a path: flake and in a git flake.
W=$PWD
mkdir -p shared top/sub git/sub
echo secret > shared/s.txt
for d in top git; do
  echo '"x"' > $d/sub/x.nix
  ln -s sub/x.nix $d/rel2
  ln -s sub $d/dirlink
  ln -s ../sub/x.nix $d/sub/up
  ln -s ../shared/s.txt $d/out
  ln -s "$W/shared/s.txt" $d/abs
  cat > $d/flake.nix <<'NIX'
{
  outputs = { self }: {
    inside = [ (import ./rel2) (builtins.readFile ./dirlink/x.nix) (import ./sub/up)
      (builtins.attrNames (builtins.readDir ./dirlink)) (builtins.readDir ./.)
      (builtins.pathExists ./rel2) (builtins.pathExists ./nothing) ];
    out = builtins.readFile ./out;
    abs = builtins.readFile ./abs;
  };
}
NIX
done
fix_mtimes .
new_repo git
