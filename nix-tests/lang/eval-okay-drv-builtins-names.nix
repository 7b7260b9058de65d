[ (builtins ? derivation) (builtins ? derivationStrict) (builtins ? placeholder) (builtins ? toFile) (builtins ? path) (builtins ? filterSource) (builtins ? storePath) (builtins.typeOf derivation) ]
