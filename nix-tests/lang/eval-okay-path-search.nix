<sp.nix>
