# dynamic attributes in a rec set may refer to let bindings but their names are not in scope
let n = "x"; in rec { ${n} = 1; y = 2; z = y + 1; }
