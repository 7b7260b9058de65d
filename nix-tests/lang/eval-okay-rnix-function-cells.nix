# Functions are equal under `==` only as the same cell, so whether a selection or a
# `with` variable gets a thunk of its own is observable: a selection always does, a
# `with` variable once a lookup has read its namespace does not (the case of a namespace
# evaluated but not read yet is in KNOWN-DIFFERENCES.md).
let
  s = { f = x: x; a.g = y: y; n = 1; };
  l = [ s.f ];
in
builtins.seq s.f (builtins.seq s.a.g (builtins.seq s.n [
  ([ s.f ] == [ s.f ])
  ([ s.a.g ] == [ s.a.g ])
  ([ s.a ] == [ s.a ])
  ([ s.n ] == [ s.n ])
  (l == l)
  ({ x = s.f; } == { x = s.f; })
  (with s; builtins.seq f ([ f ] == [ f ]))
  (with { inherit (s) f; }; with s; builtins.seq n ([ f ] == [ f ]))
  (with { inherit (s) f; }; with s; builtins.seq f ([ f ] == [ f ]))
  (with s; [ n a ] == [ n a ])
  (let t = s; in [ t ] == [ t ])
  ([ builtins.add ] == [ builtins.add ])
  (s ? f)
  (s ? a.g)
  (s ? a.z)
  (s ? n.z)
]))
