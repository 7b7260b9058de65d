# fromJSON of a string with context, even one whose text is plain.
let d = derivation { name = "a"; builder = "b"; system = "x"; }; in builtins.fromJSON (builtins.toJSON "${d}")
