throw "a\nb\n  c"
