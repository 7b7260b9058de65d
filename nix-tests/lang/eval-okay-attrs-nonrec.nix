# a non-recursive set does not see its own attributes
let a = 1; in { a = 2; b = a; }
