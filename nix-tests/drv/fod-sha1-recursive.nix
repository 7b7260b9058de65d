import ./lib/mk.nix "fod-sha1-recursive" { outputHashMode = "recursive"; outputHash = "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="; }
