let mk = name: attrs: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // attrs); in builtins.toJSON { d = mk "json" {}; l = [ (mk "json2" {}) ]; }
