[ (baseNameOf ./dir/file.nix) (dirOf ./dir/file.nix) (dirOf /x) (builtins.typeOf (dirOf ./a)) (builtins.typeOf (baseNameOf ./a)) ]
