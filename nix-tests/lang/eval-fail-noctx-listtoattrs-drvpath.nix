# listToAttrs names: the whole-closure context of a drvPath is refused.
let d = derivation { name = "a"; builder = "b"; system = "x"; }; in builtins.listToAttrs [ { name = d.drvPath; value = 1; } ]
