import ./lib/mk.nix "outputs-multi" { outputs = [ "out" "dev" "lib" ]; }
