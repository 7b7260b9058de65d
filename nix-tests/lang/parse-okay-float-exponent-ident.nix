# `1e6` is the integer 1 applied to the variable e6
let e6 = 1; in 1e6
