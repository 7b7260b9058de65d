import ./lib/mk.nix "outputs-no-out" { outputs = [ "bin" "man" ]; }
