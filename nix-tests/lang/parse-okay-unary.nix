let x = 1; in [ (-x) (- 1) (!true) (--x) (!!false) (-x * 2) ]
