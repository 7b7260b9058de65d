let s = { __toString = self: "custom-" + self.v; v = "x"; }; in "value: ${s}"
