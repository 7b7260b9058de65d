builtins.deepSeq { a = [ { b = throw "deep"; } ] ; } 1
