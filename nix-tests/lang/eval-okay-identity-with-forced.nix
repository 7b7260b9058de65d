# once the `with` set is evaluated, its attributes are shared
let s = { f = x: x; }; in with s; builtins.seq f ([ f ] == [ f ])
