[ (builtins.typeOf http://x.org/a) (builtins.isString urn:isbn:123) ]
