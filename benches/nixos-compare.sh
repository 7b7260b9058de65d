#!/usr/bin/env bash
# Side by side with nix-instantiate on a real nixpkgs: NixOS systems, NixOS VM tests,
# a cross-compiled package, `hello`, and `evalmodules` (the module system alone). Each
# case evaluates a `.drvPath` (read-only: nothing is written to the store) or, for
# `evalmodules`, an int summarising the config; checks both evaluators print the same, and
# reports best-of-RUNS wall time and peak RSS, and their ratios (rnix/nix), once with
# rnix-eval's parse cache warm and once with it off.
#
# Usage: RNIX_NIXPKGS=~/nixpkgs-20.09 benches/nixos-compare.sh [CASE...]
#   CASE: minimal server desktop openssh-test nginx-test cross-hello hello evalmodules
#   (default: all)
# Environment: RNIX_EVAL (default target/release/rnix-eval), RUNS (default 3), STRICT=1
# (both evaluators with --strict: the printed `.drvPath` is the same, but without it
# rnix-eval makes a thunk wherever Nix does, so that a lazily printed value shows `<CODE>`
# where Nix's would, and that costs it the thunks it otherwise avoids), WRITE=1 (both with
# --read-write-mode: every `.drv` file is written to the store, Nix's own way (as root, its
# local store), rnix-eval's through the nix-daemon, which must be running).
set -euo pipefail

ROOT=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")/.." && pwd -P)
NIXPKGS=${RNIX_NIXPKGS:?set RNIX_NIXPKGS to a nixpkgs checkout (20.09 is what the numbers in benches/README.md use)}
RNIX=${RNIX_EVAL:-$ROOT/target/release/rnix-eval}
RUNS=${RUNS:-3}
EVAL=(--eval)
[ "${STRICT:-0}" = 1 ] && EVAL=(--eval --strict)
NIX_MODE=(--readonly-mode)
RNIX_MODE=(--read-only)
[ "${WRITE:-0}" = 1 ] && NIX_MODE=(--read-write-mode) RNIX_MODE=(--read-write-mode)
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
# shellcheck source=benches/lib.sh
source "$ROOT/benches/lib.sh"
export NIX_PATH=nixpkgs=$NIXPKGS RNIX_EVAL_CACHE_DIR=$WORK/parse-cache

# The module system without NixOS: `lib.evalModules` of the nixpkgs lib with 1,600
# submodule-typed options (5 sub-options each) and 5 modules of `mkMerge`/`mkIf`/
# `mkDefault`/`mkForce`/`mkOverride` definitions; every option's value is read.
evalmodules_expr() {
    cat <<EOF
let
  lib = import $NIXPKGS/lib;
  inherit (lib) mkOption types mkMerge mkIf mkDefault mkForce mkOverride;
  inherit (builtins) genList listToAttrs foldl' length toString attrNames;
  n = 1600;
  names = genList (i: "s\${toString i}") n;
  sub = { name, config, ... }: {
    options = {
      enable = mkOption { type = types.bool; default = false; description = "Enable \${name}."; };
      port = mkOption { type = types.port; default = 80; };
      user = mkOption { type = types.str; default = name; };
      flags = mkOption { type = types.listOf types.str; default = [ ]; };
      settings = mkOption { type = types.attrsOf types.str; default = { }; };
    };
    config.flags = mkIf config.enable [ "--name=\${name}" ];
  };
  decls = {
    options.services = listToAttrs (map (name: { inherit name; value = mkOption { type = types.submodule sub; default = { }; }; }) names);
    options.total = mkOption { type = types.int; default = 0; };
  };
  defs = k: { config, ... }: {
    config = mkMerge [
      { services = listToAttrs (genList (j: let i0 = j * 4 + k; i = i0 - i0 / n * n; in { name = "s\${toString i}"; value = {
          enable = mkDefault (i / 2 * 2 == i);
          port = mkIf (i / 3 * 3 == i) (1000 + i);
          settings.k = toString k;
        }; }) (n / 4)); }
      { services = listToAttrs (genList (j: let i = j * 5 + k; in { name = "s\${toString i}"; value = {
          enable = mkForce true;
          flags = [ "--k\${toString k}" ];
          user = mkOverride 900 "u\${toString i}";
        }; }) (n / 5)); }
      (mkIf (k == 0) { total = 1; })
    ];
  };
  result = lib.evalModules { modules = [ decls ] ++ genList defs 5; };
  cfg = result.config;
in
foldl' (s: name: let c = cfg.services.\${name}; in
  s + c.port + length c.flags + (if c.enable then 1 else 0) + builtins.stringLength c.user + length (attrNames c.settings)) cfg.total names
EOF
}

system_expr() {
    cat <<EOF
(import $NIXPKGS/nixos { system = "x86_64-linux"; configuration = { pkgs, ... }: {
  boot.loader.grub.device = "nodev";
  fileSystems."/".device = "/dev/sda1";
  $1
}; }).config.system.build.toplevel.drvPath
EOF
}

case_expr() {
    case $1 in
    minimal) system_expr "" ;;
    server) system_expr 'services.openssh.enable = true;
  services.openssh.permitRootLogin = "no";
  services.nginx.enable = true;
  services.nginx.virtualHosts."example.org" = { root = "/var/www"; locations."/api".proxyPass = "http://127.0.0.1:8080"; };
  services.postgresql.enable = true;
  services.postgresql.ensureDatabases = [ "app" ];
  services.fail2ban.enable = true;
  services.prometheus.exporters.node.enable = true;
  networking.firewall.allowedTCPPorts = [ 22 80 443 ];
  users.users.app = { isNormalUser = true; extraGroups = [ "wheel" ]; openssh.authorizedKeys.keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample app@host" ]; };
  systemd.services.app = { wantedBy = [ "multi-user.target" ]; after = [ "postgresql.service" ]; serviceConfig.ExecStart = "${pkgs.hello}/bin/hello"; };
  time.timeZone = "UTC";' ;;
    desktop) system_expr 'services.xserver.enable = true;
  services.xserver.desktopManager.xfce.enable = true;
  environment.systemPackages = [ pkgs.firefox ];' ;;
    openssh-test) echo "(import $NIXPKGS/nixos/tests/openssh.nix { system = \"x86_64-linux\"; }).driver.drvPath" ;;
    nginx-test) echo "(import $NIXPKGS/nixos/tests/nginx.nix { system = \"x86_64-linux\"; }).driver.drvPath" ;;
    cross-hello) echo "(import $NIXPKGS { system = \"x86_64-linux\"; }).pkgsCross.aarch64-multiplatform.hello.drvPath" ;;
    hello) echo "(import $NIXPKGS { system = \"x86_64-linux\"; }).hello.drvPath" ;;
    evalmodules) evalmodules_expr ;;
    *) echo "unknown case '$1'" >&2; return 1 ;;
    esac
}

CASES=("$@")
[ ${#CASES[@]} -gt 0 ] || CASES=(minimal server desktop openssh-test nginx-test cross-hello hello evalmodules)

printf '%-13s %7s %7s %7s %6s %8s %8s %6s  %s\n' case nix_s rnix_s cold_s t_ratio nix_MiB rnix_MiB m_ratio status
for c in "${CASES[@]}"; do
    case_expr "$c" >"$WORK/$c.nix"
    read -r ns nk < <(measure "$WORK/nix.out" nix-instantiate "${EVAL[@]}" "${NIX_MODE[@]}" "$WORK/$c.nix")
    RNIX_EVAL_PARSE_CACHE=1 "$RNIX" "${EVAL[@]}" "${RNIX_MODE[@]}" "$WORK/$c.nix" >/dev/null 2>&1 || true # warm the cache
    read -r rs rk < <(measure "$WORK/rnix.out" "$RNIX" "${EVAL[@]}" "${RNIX_MODE[@]}" "$WORK/$c.nix")
    read -r cs _ < <(RNIX_EVAL_PARSE_CACHE=0 measure "$WORK/cold.out" "$RNIX" "${EVAL[@]}" "${RNIX_MODE[@]}" "$WORK/$c.nix")
    status=OK
    cmp -s "$WORK/nix.out" "$WORK/rnix.out" && cmp -s "$WORK/nix.out" "$WORK/cold.out" || status=MISMATCH
    awk -v c="$c" -v ns="$ns" -v rs="$rs" -v cs="$cs" -v nk="$nk" -v rk="$rk" -v st="$status" 'BEGIN{
        printf "%-13s %7.2f %7.2f %7.2f %6.2f %8.0f %8.0f %6.2f  %s\n", c, ns, rs, cs, rs/ns, nk/1024, rk/1024, rk/nk, st }'
done
