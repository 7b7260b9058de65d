# a recursive set referring to itself through a let
let s = rec { a = 1; self = s; }; in s.self.self.self.a
