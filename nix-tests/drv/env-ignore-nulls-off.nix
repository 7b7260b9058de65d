import ./lib/mk.nix "env-ignore-nulls-off" { __ignoreNulls = false; kept = null; }
