# a default is evaluated in the scope of the function, not of the caller
let x = "definition"; f = { y ? x }: y; in let x = "call"; in f { }
