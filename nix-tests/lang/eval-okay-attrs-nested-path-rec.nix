# values under attribute paths in a rec set see the rec scope; the nested set itself is not recursive
let x = "outer"; in rec { a.x = "inner"; a.y = x; x = "self"; }
