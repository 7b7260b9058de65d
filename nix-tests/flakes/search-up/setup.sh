# A flake given by a folder inside it: Nix searches up to the nearest folder with a
# `flake.nix`, stopping at a git work tree's root (modern Nix's parsePathFlakeRef).
mkdir -p plain/sub/deep plain-no-flake gitnoflake/sub mono/libs/util/src
echo '{ outputs = { self }: { v = "plain"; }; }' > plain/flake.nix
echo 'x' > plain-no-flake/readme
echo '{ outputs = { self }: { v = "util"; }; }' > mono/libs/util/flake.nix
echo 'x' > mono/libs/util/src/main.c
echo 'x' > gitnoflake/sub/readme
new_repo mono
new_repo gitnoflake
