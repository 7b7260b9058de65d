#!/bin/sh
# Regenerates the .drv fixtures of the store-client tests with a real Nix (2.8 was used).
# `nix-instantiate --read-write-mode` writes the .drv files of drvs.nix to /nix/store; we copy
# them here as NAME.drv, and paths.txt lists, one derivation a line, "name drvPath
# output=outPath..." as Nix computed them. The tests never need Nix: they read these files.
set -eu
cd "$(dirname "$0")"
nix-instantiate --eval --read-write-mode -A listing drvs.nix |
  sed -e 's/^"//' -e 's/"$//' -e 's/\\n/\n/g' | sed -e '/^$/d' > paths.txt
while read -r name drv _; do
  cp "$drv" "$name.drv"
  chmod 644 "$name.drv"
done < paths.txt
