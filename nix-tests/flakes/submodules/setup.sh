# A git flake input with a submodule, clean and dirty: Nix 2.8 keeps the submodule as
# an empty folder in a clean checkout (`git archive`) and leaves it out of a dirty
# working tree (`git ls-files`); the NAR hashes in the lock show both.
W=$PWD
mkdir -p subrepo main app
echo data > subrepo/data.txt
new_repo subrepo
echo '{ outputs = { self }: { d = builtins.readDir self; }; }' > main/flake.nix
(cd main && git init -q -b main && git -c protocol.file.allow=always submodule -q add "$W/subrepo" sub && fix_mtimes . && git add -A && git commit -q -m init)
echo "{ inputs.m.url = \"git+file://$W/main\"; outputs = { self, m }: { d = m.d; h = m.sourceInfo.narHash; }; }" > app/flake.nix
