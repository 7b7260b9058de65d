# even a let outside of two withs shadows both of them
let x = "let"; in with { x = "outer"; }; with { x = "inner"; }; x
