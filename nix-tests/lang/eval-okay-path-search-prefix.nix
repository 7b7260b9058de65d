[ <dir/sp.nix> (import <dir/sub>) ]
