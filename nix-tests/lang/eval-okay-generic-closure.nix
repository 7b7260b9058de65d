builtins.genericClosure {
  startSet = [ { key = 1; } { key = 10; } ];
  operator = x: if x.key < 4 then [ { key = x.key + 1; } { key = 1; } ] else [ ];
}
