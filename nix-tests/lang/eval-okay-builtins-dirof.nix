[ (dirOf "/a/b/c") (dirOf "/a/b/") (dirOf "abc") (dirOf "/") (dirOf "/a") (dirOf "a/b") (dirOf ./lib/files/hello.txt) (dirOf "") (dirOf "//a") ]
