builtins.filterSource (p: t: 1) ./lib/store-src
