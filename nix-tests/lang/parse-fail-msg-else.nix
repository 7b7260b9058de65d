if true else 1
