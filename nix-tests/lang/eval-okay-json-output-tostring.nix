{ s = { __toString = self: "ts"; }; o = { outPath = "/op"; other = 1; }; }
