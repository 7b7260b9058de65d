# inherit (s) f binds f to a new selection thunk, not to the attribute itself
let s = { f = x: x; }; in let inherit (s) f; in [ f ] == builtins.attrValues s
