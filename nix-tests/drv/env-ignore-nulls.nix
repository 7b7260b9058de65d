import ./lib/mk.nix "env-ignore-nulls" { __ignoreNulls = true; gone = null; kept = "yes"; alsoKept = false; }
