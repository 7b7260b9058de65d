# the argument set is only forced when pattern matching, its values stay lazy
({ a, b }: a) { a = 1; b = throw "lazy"; }
