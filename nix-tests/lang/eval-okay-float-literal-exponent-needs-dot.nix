# without a dot, `2e3` lexes as the integer 2 followed by the identifier e3
let e3 = "e3"; in [ 2e3 ]
