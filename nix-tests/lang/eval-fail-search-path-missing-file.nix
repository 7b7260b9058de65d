<dir/nope.nix>
