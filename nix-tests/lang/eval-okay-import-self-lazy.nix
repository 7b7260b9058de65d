let a = import ./lib/import-self-lazy.nix; in [ a.x (a.self.self.x) ]
