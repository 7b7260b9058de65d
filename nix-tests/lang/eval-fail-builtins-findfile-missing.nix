builtins.findFile [ { prefix = "x"; path = "/does/not/exist"; } ] "x/y"
