# the result of __toString is itself coerced
toString { __toString = self: { outPath = "inner"; }; }
