# the value of a dynamic attribute is lazy
({ ${"a"} = throw "lazy"; b = 1; }).b
