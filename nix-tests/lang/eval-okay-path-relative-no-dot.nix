# a path needs a slash; `a/b` is relative to the file's directory
[ a/b x/y/z.nix ]
