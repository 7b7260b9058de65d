[ (builtins.isBool true) (builtins.isBool 0) (builtins.isBool null) ]
