[ (builtins.addErrorContext "ctx" 42) (builtins.addErrorContext (throw "unused") "ok") ]
