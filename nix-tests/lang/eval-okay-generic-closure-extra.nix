map (x: x.tag) (builtins.genericClosure {
  startSet = [ { key = "a"; tag = "first"; } { key = "a"; tag = "dup"; } ];
  operator = x: [ { key = "b"; tag = "from-${x.key}"; } ];
})
