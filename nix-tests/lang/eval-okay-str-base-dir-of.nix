[ (baseNameOf "/a/b/c") (baseNameOf "/a/b/") (baseNameOf "c") (baseNameOf "") (dirOf "/a/b/c") (dirOf "/a") (dirOf "a/b") (dirOf "a") (dirOf "/") ]
