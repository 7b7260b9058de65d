#!/usr/bin/env bash
# Flakes side by side: `nix eval --raw DIR#nixosConfigurations.host.config.system.build.toplevel.drvPath`
# (Nix 2.8) against `rnix-eval --read-only --flake DIR#host`, best wall time of RUNS and
# peak RSS, with the ratio rnix/nix. Both run with their caches warm (one run first):
# the lock file exists, nixpkgs is in Nix's store and in rnix-eval's fetcher cache.
#
#   small-hosts   the fixture flake of nix-tests/flakes/hosts (its own module system)
#   nixos-git     a NixOS 20.09 host (grub, ext4, openssh) with nixpkgs as a git+file:
#                 input (only with RNIX_NIXPKGS: the checkout is copied into a git repo)
#   nixos-path    the same with nixpkgs as a path: input
#
# `nix eval` writes the `.drv` files it makes to the store; rnix-eval does too with WRITE=1
# (through the nix-daemon, which must be running), and computes them only otherwise.
#
# Environment: RNIX_EVAL (default target/release/rnix-eval), RUNS (default 3), RNIX_NIXPKGS,
# WRITE.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
RNIX=${RNIX_EVAL:-$ROOT/target/release/rnix-eval}
RUNS=${RUNS:-3}
[ -x "$RNIX" ] || { echo "build first: cargo build --release -p rnix-eval-cli" >&2; exit 1; }
command -v nix >/dev/null || { echo "nix not found" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found (apt-get install time)" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"
flake_env

# compare NAME DIR: warm both, then measure both.
compare() {
    local name=$1 dir=$2
    local nix_cmd=("${NIX[@]}" eval --raw "$dir#nixosConfigurations.host.config.system.build.toplevel.drvPath")
    local rnix_cmd=("$RNIX" --read-only --flake "$dir#host")
    [ "${WRITE:-0}" = 1 ] && rnix_cmd=("$RNIX" --flake "$dir#host")
    "${nix_cmd[@]}" >/dev/null 2>&1
    "${rnix_cmd[@]}" >/dev/null 2>&1
    read -r nt nm < <(measure "$WORK/nix.out" "${nix_cmd[@]}")
    read -r rt rm < <(measure "$WORK/rnix.out" "${rnix_cmd[@]}")
    local same="same drv"
    [ "$(tr -d '\n' <"$WORK/nix.out")" = "$(tr -d '\n' <"$WORK/rnix.out")" ] || same="MISMATCH"
    awk -v n="$name" -v a="$nt" -v b="$nm" -v c="$rt" -v d="$rm" -v s="$same" 'BEGIN{
        printf "%-12s nix %7.3fs %8.1f MiB | rnix %7.3fs %8.1f MiB | time %.2f mem %.2f %s\n",
            n, a, b/1024, c, d/1024, (a > 0 ? c/a : 0), (b > 0 ? d/b : 0), s }'
}

# The fixture flake: its setup makes /tmp/rnix-eval-flakes/hosts/top.
bash "$ROOT/nix-tests/flakes/run.sh" nix hosts >/dev/null
sed -i 's/nixosConfigurations.alpha = host "alpha"/nixosConfigurations.host = host "alpha"/' /tmp/rnix-eval-flakes/hosts/top/flake.nix
(cd /tmp/rnix-eval-flakes/hosts/top && git commit -qam host)
compare small-hosts /tmp/rnix-eval-flakes/hosts/top

if [ -n "${RNIX_NIXPKGS:-}" ]; then
    cp -a "$RNIX_NIXPKGS" "$WORK/nixpkgs"
    rm -rf "$WORK/nixpkgs/.git"
    (cd "$WORK/nixpkgs" && git init -q -b main && git add -A && git commit -qm nixpkgs)
    for kind in git path; do
        mkdir -p "$WORK/host-$kind"
        url="git+file://$WORK/nixpkgs"
        [ "$kind" = path ] && url="path:$WORK/nixpkgs"
        cat >"$WORK/host-$kind/flake.nix" <<NIX
{
  inputs.nixpkgs.url = "$url";
  outputs = { self, nixpkgs }: {
    nixosConfigurations.host = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [ ({ ... }: {
        boot.loader.grub.device = "/dev/sda";
        fileSystems."/".device = "/dev/sda1";
        services.openssh.enable = true;
      }) ];
    };
  };
}
NIX
        (cd "$WORK/host-$kind" && git init -q -b main && git add -A && git commit -qm host)
        compare "nixos-$kind" "$WORK/host-$kind"
    done
else
    echo "(set RNIX_NIXPKGS to a nixpkgs 20.09 checkout for the NixOS host rows)"
fi
