[ (builtins.toXML 1) (builtins.toXML "x") (builtins.toXML null) (builtins.toXML [ ]) ]
