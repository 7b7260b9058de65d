# variables from a not yet evaluated `with` get fresh thunks
let s = { f = x: x; }; in with s; [ f ] == [ f ]
