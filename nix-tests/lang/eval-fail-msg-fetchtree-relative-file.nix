builtins.fetchTree "file:./relative-path.tar.gz"
