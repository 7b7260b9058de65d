if builtins ? readFileType then map builtins.readFileType [ ./lib/files/hello.txt ./lib/files/dir ./lib/files/link-to-hello ./lib/files/dangling ] else "readFileType is missing"
