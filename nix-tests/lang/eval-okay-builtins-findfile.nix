let sp = [ { prefix = "nope"; path = "/does/not/exist"; } { prefix = "files"; path = ./lib/files; } { prefix = ""; path = ./lib; } ]; in [
  (builtins.findFile sp "files/hello.txt") (builtins.findFile sp "files") (builtins.findFile sp "simple.nix")
  (builtins.tryEval (builtins.findFile sp "missing.nix"))
]
