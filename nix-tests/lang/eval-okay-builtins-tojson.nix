[ (builtins.toJSON { b = [ 1 2.5 "s" null true ]; a = { }; c = [ ]; "key with \"quote" = "\n\t\u0001"; })
  (builtins.toJSON { outPath = "/some/path"; x = 1; }) (builtins.toJSON { __toString = s: "custom"; }) (builtins.toJSON "é😀") ]
