# inherit (e) only evaluates e when the attribute is needed
let inherit (throw "not evaluated") a; in 1
