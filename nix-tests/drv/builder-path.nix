import ./lib/mk.nix "builder-path" { builder = ./src/build.sh; args = []; }
