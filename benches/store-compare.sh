#!/usr/bin/env bash
# Side-by-side store benchmarks: Nix 2.8 (nix-instantiate --readonly-mode) vs rnix-eval
# --read-only, best wall time of RUNS and peak RSS, with the ratio rnix/nix.
#
#   source-100mb  store path of a generated 100 MB source tree (`builtins.path`): the NAR
#                 serialisation must stream, so peak memory stays far below the tree size.
#   hello         `(import <nixpkgs> {}).hello` instantiated (its 192-.drv stdenv closure);
#                 only when RNIX_NIXPKGS points at a nixpkgs checkout.
#   nixos-system  a NixOS system (grub, ext4 root, openssh) from the same checkout: the
#                 module system plus its 1,551-.drv closure (the test in
#                 crates/cli/tests/nixpkgs.rs checks the .drv bytes).
#
# Environment: RNIX_EVAL (default target/release/rnix-eval), RUNS (default 3),
# TREE_MB (default 100), RNIX_NIXPKGS.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
RNIX=${RNIX_EVAL:-$ROOT/target/release/rnix-eval}
RUNS=${RUNS:-3}
TREE_MB=${TREE_MB:-100}
[ -x "$RNIX" ] || { echo "build first: cargo build --release -p rnix-eval-cli" >&2; exit 1; }
command -v nix-instantiate >/dev/null || { echo "nix-instantiate not found" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"

row() {
    local name=$1 nix_t=$2 nix_m=$3 rn_t=$4 rn_m=$5 same=$6
    awk -v n="$name" -v a="$nix_t" -v b="$nix_m" -v c="$rn_t" -v d="$rn_m" -v s="$same" 'BEGIN{
        printf "%-14s nix %7.3fs %8.1f MiB | rnix %7.3fs %8.1f MiB | time %.2f mem %.2f %s\n",
            n, a, b/1024, c, d/1024, (a > 0 ? c/a : 0), (b > 0 ? d/b : 0), s }'
}

compare() {
    local name=$1; shift
    local nix_cmd=() rnix_cmd=() sep=0
    for a in "$@"; do
        if [ "$a" = "--" ]; then sep=1; continue; fi
        if [ $sep = 0 ]; then nix_cmd+=("$a"); else rnix_cmd+=("$a"); fi
    done
    read -r nt nm < <(measure "$WORK/nix.out" "${nix_cmd[@]}")
    read -r rt rm < <(measure "$WORK/rnix.out" "${rnix_cmd[@]}")
    local same="same output"
    cmp -s "$WORK/nix.out" "$WORK/rnix.out" || same="MISMATCH"
    row "$name" "$nt" "$nm" "$rt" "$rm" "$same"
}

# A tree of TREE_MB MiB: 100 directories of 1 MiB files, one executable each, a symlink.
TREE="$WORK/tree"
for d in $(seq 1 "$TREE_MB"); do
    mkdir -p "$TREE/d$d"
    head -c 1048576 /dev/urandom >"$TREE/d$d/blob"
    printf '#!/bin/sh\n' >"$TREE/d$d/run"; chmod +x "$TREE/d$d/run"
    ln -s blob "$TREE/d$d/link"
done
EXPR="builtins.path { path = $TREE; name = \"tree\"; }"
compare source-${TREE_MB}mb \
    nix-instantiate --readonly-mode --eval -E "$EXPR" -- \
    "$RNIX" --read-only --eval -E "$EXPR"

if [ -n "${RNIX_NIXPKGS:-}" ]; then
    export NIX_PATH="nixpkgs=$RNIX_NIXPKGS"
    compare hello \
        nix-instantiate --readonly-mode -E 'import <nixpkgs> {}' -A hello -- \
        "$RNIX" --read-only -E 'import <nixpkgs> {}' -A hello
    NIXOS='(import <nixpkgs/nixos> { configuration = { ... }: {
      boot.loader.grub.device = "/dev/sda";
      fileSystems."/" = { device = "/dev/sda1"; fsType = "ext4"; };
      services.openssh.enable = true; }; }).system'
    compare nixos-system \
        nix-instantiate --readonly-mode -E "$NIXOS" -- \
        "$RNIX" --read-only -E "$NIXOS"
else
    echo "hello          skipped: set RNIX_NIXPKGS to a nixpkgs checkout"
fi
