builtins.isString builtins.currentSystem && builtins.match "[a-z0-9_]+-[a-z]+" builtins.currentSystem != null
