# lexical bindings always shadow `with`
let a = "let"; in with { a = "with"; }; a
