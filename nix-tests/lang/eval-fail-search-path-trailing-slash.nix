# `<a/>` is not a search path (Nix's SPATH has no empty part): it is the operator `<`.
let __findFile = p: s: s; in <a/>
