let f = import ./lib/mk.nix "fod-a" { outputHashAlgo = "sha256"; outputHashMode = "recursive"; outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; };
in import ./lib/mk.nix "fod-b" { src = f; outputHash = "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="; }
