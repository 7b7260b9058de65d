[ (toString { __toString = self: "hi"; }) (toString { outPath = "/op"; }) (toString { __toString = self: 42; }) ]
