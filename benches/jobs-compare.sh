#!/usr/bin/env bash
# The CI gate side by side: `rnix-eval --eval-jobs --read-only` over a flake's
# nixosConfigurations with 1 and 2 workers, against Nix evaluating each host's toplevel
# drvPath in turn (`nix eval --raw`, what a nix-eval-jobs-less CI does). Wall time of the
# whole run, best of RUNS.
#
#   hosts-N       N hosts of the fixtures/hosts module system, each with a heavier config
#   nixos-4       four NixOS 20.09 hosts (openssh, nginx, postgresql, a user) with nixpkgs
#                 as a git+file: input; only with RNIX_NIXPKGS
#
# Environment: RNIX_EVAL (default target/release/rnix-eval), RUNS (default 3), HOSTS
# (default 8), RNIX_NIXPKGS.
set -euo pipefail
ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
RNIX=${RNIX_EVAL:-$ROOT/target/release/rnix-eval}
RUNS=${RUNS:-3}
HOSTS=${HOSTS:-8}
[ -x "$RNIX" ] || { echo "build first: cargo build --release -p rnix-eval-cli" >&2; exit 1; }
command -v nix >/dev/null || { echo "nix not found" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"
flake_env

best() {
    local best=""
    for _ in $(seq "$RUNS"); do
        local t0 t1
        t0=$(date +%s.%N)
        "$@" >/dev/null 2>&1 || true
        t1=$(date +%s.%N)
        local t; t=$(awk -v a="$t0" -v b="$t1" 'BEGIN{print b-a}')
        if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    done
    echo "$best"
}

nix_each() {
    local dir=$1; shift
    for host in "$@"; do
        "${NIX[@]}" eval --raw "$dir#nixosConfigurations.$host.config.system.build.toplevel.drvPath" >/dev/null
    done
}

row() {
    local name=$1 dir=$2; shift 2
    "$RNIX" --eval-jobs --read-only --flake "$dir#nixosConfigurations" >/dev/null 2>&1 || true
    nix_each "$dir" "$@" 2>/dev/null || true
    local n w1 w2
    n=$(best nix_each "$dir" "$@")
    w1=$(best "$RNIX" --eval-jobs --read-only --workers 1 --flake "$dir#nixosConfigurations")
    w2=$(best "$RNIX" --eval-jobs --read-only --workers 2 --flake "$dir#nixosConfigurations")
    awk -v n="$name" -v a="$n" -v b="$w1" -v c="$w2" 'BEGIN{
        printf "%-10s nix per host %7.2fs | rnix 1 worker %6.2fs (%.2f) | 2 workers %6.2fs (%.2f)\n", n, a, b, b/a, c, c/a }'
}

# Small hosts: the fixture module system, each host defining many ports.
mkdir -p "$WORK/hosts"
cp "$ROOT"/fixtures/hosts/{lib,base,web,toplevel}.nix "$WORK/hosts/"
names=()
{
    echo '{ outputs = { self }: let lib = import ./lib.nix; host = name: lib.evalModules {'
    echo '  modules = [ ./base.nix ./web.nix ./toplevel.nix { networking.firewall.allowedTCPPorts = builtins.genList (i: i) 20000; } ];'
    echo '  args = { hostName = name; versionSuffix = ""; }; }; in { nixosConfigurations = {'
    for i in $(seq "$HOSTS"); do echo "    h$i = host \"h$i\";"; names+=("h$i"); done
    echo '  }; }; }'
} >"$WORK/hosts/flake.nix"
(cd "$WORK/hosts" && git init -q -b main && git add -A && git commit -qm hosts)
row "hosts-$HOSTS" "$WORK/hosts" "${names[@]}"

if [ -n "${RNIX_NIXPKGS:-}" ]; then
    cp -a "$RNIX_NIXPKGS" "$WORK/nixpkgs"
    rm -rf "$WORK/nixpkgs/.git"
    (cd "$WORK/nixpkgs" && git init -q -b main && git add -A && git commit -qm nixpkgs)
    mkdir -p "$WORK/nixos"
    cat >"$WORK/nixos/flake.nix" <<NIX
{
  inputs.nixpkgs.url = "git+file://$WORK/nixpkgs";
  outputs = { self, nixpkgs }:
    let
      host = name: extra: nixpkgs.lib.nixosSystem {
        system = "x86_64-linux";
        modules = [ ({ ... }: {
          boot.loader.grub.device = "/dev/sda";
          fileSystems."/".device = "/dev/sda1";
          networking.hostName = name;
          services.openssh.enable = true;
          users.users.alice = { isNormalUser = true; };
        }) extra ];
      };
    in {
      nixosConfigurations = {
        ssh = host "ssh" { };
        web = host "web" { services.nginx.enable = true; };
        db = host "db" { services.postgresql.enable = true; };
        all = host "all" { services.nginx.enable = true; services.postgresql.enable = true; };
      };
    };
}
NIX
    (cd "$WORK/nixos" && git init -q -b main && git add -A && git commit -qm hosts)
    row nixos-4 "$WORK/nixos" ssh web db all
else
    echo "(set RNIX_NIXPKGS to a nixpkgs 20.09 checkout for the NixOS row)"
fi
