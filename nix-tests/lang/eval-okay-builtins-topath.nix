[ (builtins.toPath "/a/../b//c/") (builtins.toPath ./lib/files) (builtins.toPath "/") (builtins.typeOf (builtins.toPath "/x")) (builtins.toPath { outPath = "/set/out"; }) ]
