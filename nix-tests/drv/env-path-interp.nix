import ./lib/mk.nix "env-path-interp" { cmd = "cat ${./src/hello.txt} ${./src/tree}/a.txt"; }
