let f = import ./lib/mk.nix "fod-input" { outputHashAlgo = "sha256"; outputHash = "1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s"; };
in import ./lib/mk.nix "chain-fod-dep" { src = f; }
