#!/usr/bin/env bash
# Run one flake case with Nix 2.8 (`nix`) or rnix-eval (`rnix`, the binary in $RNIX) and
# print its transcript: each query of the case's `queries` file, then its output.
#
# Usage: run.sh nix|rnix CASE
#
# A case is a folder with `setup.sh` (run in a fresh work folder, with the helpers
# below: deterministic git repositories, fixed mtimes) and `queries`, one per line:
#   eval [FLAGS] DIR#ATTR  the output as JSON (`nix eval --json`, `rnix-eval --eval --strict
#                    --json --flake`); FLAGS (locking flags: `--update-input b`, ...) go to both
#   drv DIR#ATTR     ATTR's drvPath (`nix eval --raw DIR#ATTR.drvPath`, `rnix-eval --read-only --flake DIR#.ATTR`)
#   host DIR#NAME    a NixOS-style host's toplevel drvPath (`rnix-eval --read-only --flake DIR#NAME`)
#   fail DIR#ATTR    evaluation must fail (only the failure is compared: the messages are each tool's own)
#   error [FLAGS] DIR#ATTR  evaluation must fail with the same first `error:` line (where
#                    both versions of Nix word it alike)
#   lock DIR         DIR/flake.lock as written
#   sh COMMAND       a shell command run in the work folder (edit, commit, show status)
# Paths in lock files are absolute, so every case runs in the same folder,
# /tmp/rnix-eval-flakes/CASE, made anew each run.
set -uo pipefail
engine=$1
case_name=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
case_dir=$here/$case_name
work=/tmp/rnix-eval-flakes/$case_name
rm -rf "$work"
mkdir -p "$work"

export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=fixture GIT_AUTHOR_EMAIL=fixture@example.org
export GIT_COMMITTER_NAME=fixture GIT_COMMITTER_EMAIL=fixture@example.org
export GIT_AUTHOR_DATE="@1600000000 +0000" GIT_COMMITTER_DATE="@1600000000 +0000"
export NIX_PATH= NO_COLOR=1 LC_ALL=C TZ=UTC
# Nix's own fetcher cache would answer a file:// tarball URL from an earlier run.
export XDG_CACHE_HOME=$work/.cache
echo '{"flakes":[],"version":2}' > "$work/.registry.json"
nix_flags=(--extra-experimental-features "nix-command flakes" --option flake-registry "$work/.registry.json")

# new_repo DIR: a git repository with everything in DIR committed.
new_repo() { (cd "$1" && git init -q -b main && fix_mtimes . && git add -A && git commit -q -m init); }
# commit DIR MESSAGE: commit all changes (a later commit gets a later date).
commit() {
  local n; n=$(cd "$1" && git rev-list --count HEAD)
  local date="@$((1600000000 + 1000 * n)) +0000"
  (cd "$1" && git add -A && GIT_AUTHOR_DATE="$date" GIT_COMMITTER_DATE="$date" git commit -q -m "$2")
}
# fix_mtimes DIR: every file and folder gets the same mtime (path inputs record it).
fix_mtimes() { find "$1" -path '*/.git' -prune -o -exec touch -h -d @1600000000 {} +; }

cd "$work"
# shellcheck source=/dev/null
source "$case_dir/setup.sh"

run_query() {
  local kind=$1 arg=$2
  local -a words flags
  read -r -a words <<< "$arg"
  flags=("${words[@]:0:${#words[@]}-1}")
  case "$engine:$kind" in
    nix:eval) nix "${nix_flags[@]}" eval --json "${flags[@]}" "${words[-1]}" 2>/dev/null ;;
    rnix:eval) "$RNIX" --eval --strict --json "${flags[@]}" --flake "${words[-1]}" 2>/dev/null ;;
    nix:drv) nix "${nix_flags[@]}" eval --raw "$arg.drvPath" 2>/dev/null ;;
    rnix:drv) "$RNIX" --read-only --flake "${arg%%#*}#.${arg#*#}" 2>/dev/null ;;
    nix:host) nix "${nix_flags[@]}" eval --raw "${arg%%#*}#nixosConfigurations.${arg#*#}.config.system.build.toplevel.drvPath" 2>/dev/null ;;
    rnix:host) "$RNIX" --read-only --flake "$arg" 2>/dev/null ;;
    nix:fail) nix "${nix_flags[@]}" eval --json "$arg" >/dev/null 2>&1 && echo "unexpected success" || echo "fails" ;;
    rnix:fail) "$RNIX" --eval --strict --json --flake "$arg" >/dev/null 2>&1 && echo "unexpected success" || echo "fails" ;;
    nix:error) nix "${nix_flags[@]}" eval --json "${flags[@]}" "${words[-1]}" 2>&1 >/dev/null | grep -m1 '^error:' ;;
    rnix:error) "$RNIX" --eval --strict --json "${flags[@]}" --flake "${words[-1]}" 2>&1 >/dev/null | grep -m1 '^error:' ;;
    *:lock) cat "$arg/flake.lock" 2>/dev/null || echo "(no lock file)" ;;
    *:sh) bash -c "$arg" 2>/dev/null || echo "(command failed)" ;;
  esac
}

while IFS= read -r line || [ -n "$line" ]; do
  [ -z "$line" ] && continue
  case "$line" in \#*) continue ;; esac
  echo "== $line"
  out=$(run_query "${line%% *}" "${line#* }")
  status=$?
  printf '%s\n' "$out"
  [ "$status" = 0 ] || [ "${line%% *}" = fail ] || [ "${line%% *}" = error ] || echo "(exit $status)"
done < "$case_dir/queries"
