let v = { a = { a = { a = { a = { a = { a = { a = { a = { a = { a = { a = { a = 1; }; }; }; }; }; }; }; }; }; }; }; }; in builtins.length (builtins.deepSeq v v)
