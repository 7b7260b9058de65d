# toString of a path does not copy it to the store
"${toString ./some/file.txt}"
