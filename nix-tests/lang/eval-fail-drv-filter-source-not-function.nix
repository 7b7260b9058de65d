builtins.filterSource 1 ./lib/store-src
