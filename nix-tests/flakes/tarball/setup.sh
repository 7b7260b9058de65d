# `flake = false` archive inputs over file:// (one top-level folder, stripped): a
# .tar.gz, a .tar.xz and a .zip; all locked by their narHash.
W=$PWD
mkdir -p src/pkg top
echo 'tar content' > src/pkg/readme
mkdir -p src/pkg/bin && printf '#!/bin/sh\necho hi\n' > src/pkg/bin/run && chmod +x src/pkg/bin/run
fix_mtimes src
tar --sort=name --mtime=@1600000000 --owner=0 --group=0 --numeric-owner -czf src.tar.gz -C src pkg
tar --sort=name --mtime=@1600000000 --owner=0 --group=0 --numeric-owner -cJf src.tar.xz -C src pkg
python3 - <<'PY'
import os, zipfile
with zipfile.ZipFile("src.zip", "w") as z:
    for root, dirs, files in os.walk("src/pkg"):
        dirs.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            info = zipfile.ZipInfo(os.path.relpath(path, "src"), date_time=(2020, 9, 13, 12, 26, 40))
            info.external_attr = (os.stat(path).st_mode & 0xFFFF) << 16
            z.writestr(info, open(path, "rb").read())
PY
cat > top/flake.nix <<NIX
{
  inputs.t = { url = "file://$W/src.tar.gz"; flake = false; };
  inputs.x = { url = "file://$W/src.tar.xz"; flake = false; };
  inputs.z = { url = "file://$W/src.zip"; flake = false; };
  outputs = { self, t, x, z }: {
    text = builtins.readFile "\${t}/readme";
    info = { inherit (t) narHash; p = t.outPath; };
    same = [ (t.narHash == x.narHash) (t.narHash == z.narHash) ];
    hashes = map (i: i.narHash) [ x z ];
  };
}
NIX
new_repo top
