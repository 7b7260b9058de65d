import <sp.nix>
