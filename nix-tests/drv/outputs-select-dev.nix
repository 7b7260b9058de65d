(import ./lib/mk.nix "outputs-select-dev" { outputs = [ "out" "dev" ]; }).dev
