# trace prints to stderr and returns its second argument
builtins.trace "message on stderr" (builtins.trace { a = 1; } 42)
