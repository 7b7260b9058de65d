import ./lib/mk.nix "path-builtin-sha256" { src = builtins.path { path = ./src/hello.txt; name = "checked"; sha256 = "0nya2hjn923syqd433mabf0rabla032jajqil5r8lm972qk07z71"; }; }
