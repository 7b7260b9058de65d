import ./lib/mk.nix "structured-strings" { __structuredAttrs = true; esc = "quote\" backslash\\ nl\n tab\t uni ✓ ctl \u0001"; }
