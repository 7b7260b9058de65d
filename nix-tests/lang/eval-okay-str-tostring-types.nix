[ (toString true) (toString false) (toString null) (toString 42) (toString (-7)) (toString "s") (toString 1.5) (toString 0.1) ]
