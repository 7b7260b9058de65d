# An output name with a context: refused when the derivation wrapper's listToAttrs names the outputs.
let s = "${builtins.toFile "f" "x"}"; in (derivation { name = "a"; builder = "b"; system = "x"; outputs = [ "out" (builtins.substring 0 0 s + "dev") ]; }).drvPath
