import ./lib/mk.nix "env-path-list" { srcs = [ ./src/hello.txt ./src/build.sh ./src/tree ]; }
