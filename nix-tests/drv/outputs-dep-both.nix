let a = import ./lib/mk.nix "dep2" { outputs = [ "out" "dev" "man" ]; };
in import ./lib/mk.nix "outputs-dep-both" { x = a.dev; y = a.out; z = "${a.man}"; }
