let a = import ./lib/mk.nix "dep" { outputs = [ "out" "dev" ]; };
in import ./lib/mk.nix "outputs-dep-dev" { inc = "${a.dev}/include"; lib = a; }
