(import ./lib/mk.nix "outputs-all" { outputs = [ "out" "dev" "doc" ]; }).all
