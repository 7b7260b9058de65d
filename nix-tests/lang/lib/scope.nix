# an imported file does not see the importer's bindings
let y = "own"; in if builtins.isAttrs builtins then y else "no builtins"
