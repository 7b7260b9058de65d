import ./lib/importer.nix
