import ./lib/mk.nix "builder-in-args" { args = [ ./src/build.sh ]; }
