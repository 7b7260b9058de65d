# defaults may refer to other formals, in any order
({ a ? b + 1, b ? 10, c ? a * 2 }: [ a b c ]) { }
