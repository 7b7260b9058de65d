#!/bin/sh
# Regenerates the .drv fixtures of the store-client tests with a real Nix (2.8 was used).
# nix-instantiate writes the .drv files to /nix/store; we copy them here as NAME.drv, and
# paths.txt lists, for each derivation, "name drvPath output=outPath..." as Nix computed them.
set -eu
cd "$(dirname "$0")"
nix-instantiate --eval --read-write-mode --raw -A listing drvs.nix 2>/dev/null > paths.txt ||
  nix-instantiate --eval --read-write-mode -A listing drvs.nix | sed -e 's/^"//' -e 's/"$//' -e 's/\\n/\n/g' > paths.txt
sed -i -e '/^$/d' paths.txt
while read -r name drv _; do
  cp "$drv" "$name.drv"
  chmod 644 "$name.drv"
done < paths.txt
