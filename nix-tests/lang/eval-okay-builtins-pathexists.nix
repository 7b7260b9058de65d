map builtins.pathExists [ ./lib/files/hello.txt ./lib/files/dir ./lib/files/link-to-hello ./lib/files/dangling ./lib/files/missing
  "/" (toString ./lib/files/dir + "/") (toString ./lib/files/hello.txt + "/") ./lib/files/link-to-dir ]
