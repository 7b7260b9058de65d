import ./lib/mk.nix "structured-ignore-nulls" { __structuredAttrs = true; __ignoreNulls = true; n = null; k = 1; }
