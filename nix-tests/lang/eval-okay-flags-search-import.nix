import <simple.nix>
