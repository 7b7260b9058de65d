let y = "importer"; in import ./lib/scope.nix
