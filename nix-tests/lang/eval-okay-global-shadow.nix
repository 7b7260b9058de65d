# global names can be shadowed lexically
let true = false; map = 5; in [ true map ]
