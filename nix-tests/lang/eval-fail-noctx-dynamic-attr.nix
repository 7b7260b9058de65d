# A dynamic attribute name must not refer to a store path (forceStringNoCtx in ExprAttrs::eval).
let d = derivation { name = "a"; builder = "b"; system = "x"; }; in { "${d}" = 1; }
