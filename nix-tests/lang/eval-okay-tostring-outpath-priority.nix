[ (toString { outPath = "/a"; __toString = self: "b"; }) ("${{ outPath = "/c"; }}") ]
