# sets with __functor can be called
let f = { __functor = self: x: x + self.n; n = 10; }; in f 5
