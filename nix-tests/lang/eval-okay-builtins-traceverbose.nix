if builtins ? traceVerbose then [ (builtins.traceVerbose "quiet" 1) (builtins.traceVerbose (throw "not evaluated") 2) ] else "traceVerbose is missing"
