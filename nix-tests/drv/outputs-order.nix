import ./lib/mk.nix "outputs-order" { outputs = [ "lib" "out" "bin" ]; }
