import ./lib/mk.nix "structured-fod" { __structuredAttrs = true; outputHashAlgo = "sha256"; outputHashMode = "recursive"; outputHash = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"; }
