# a with inside a let body does not override the let, but does provide other names
let a = "let-a"; in with { a = "with-a"; b = "with-b"; }; [ a b ]
