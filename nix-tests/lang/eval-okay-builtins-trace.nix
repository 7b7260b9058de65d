[ (builtins.trace "message" 1) (builtins.trace { a = [ 1 ]; } "value") ]
