builtins.toJSON [ { __toString = self: "via toString"; } { outPath = "/via/outPath"; } ]
