[ (builtins.typeOf builtins) (builtins.typeOf builtins.langVersion) (builtins.typeOf null) ]
