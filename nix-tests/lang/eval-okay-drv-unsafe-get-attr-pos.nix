let mk = name: attrs: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // attrs); in let d = mk "pos" { x = 1; }; in builtins.unsafeGetAttrPos "x" d
