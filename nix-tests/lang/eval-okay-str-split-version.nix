[ (builtins.splitVersion "1.2.3") (builtins.splitVersion "1.0pre3") (builtins.splitVersion "") (builtins.splitVersion "2.0-rc1") ]
