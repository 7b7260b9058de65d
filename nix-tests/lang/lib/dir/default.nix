"from dir/default.nix"
