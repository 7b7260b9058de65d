# the source of inherit (e) is only evaluated when a name is forced
let r = { inherit (throw "lazy") a; b = 2; }; in r.b
