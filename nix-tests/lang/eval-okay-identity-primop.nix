[ ([ builtins.add ] == [ builtins.add ]) (builtins.add == builtins.add) ]
