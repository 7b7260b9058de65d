[ (toString 1) (toString (-5)) (toString 1.5) (toString 0.1) (toString 100000000.0) (toString 1.0e-7) (toString true) (toString false)
  (toString null) (toString "s") (toString [ 1 [ 2 "x" ] null true [ ] 3 ]) (toString [ ]) (toString ./lib/files) (toString { outPath = "/out"; })
  (toString { __toString = self: "via ${self.v}"; v = "tostring"; }) (toString [ [ ] [ ] 1 ]) (toString [ "" "" ]) ]
