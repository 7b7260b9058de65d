[ (import ./lib/mk.nix "list-a" {}) (import ./lib/mk.nix "list-b" { outputs = [ "out" "bin" ]; }).bin ]
