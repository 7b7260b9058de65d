[ ./foo ./foo/bar ./foo.nix ./a-b_c.d+e /abs/path /a/b/c.txt ]
