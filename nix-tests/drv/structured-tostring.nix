import ./lib/mk.nix "structured-tostring" { __structuredAttrs = true; t = { __toString = _: "as-string"; }; o = { outPath = "/x/y"; }; }
