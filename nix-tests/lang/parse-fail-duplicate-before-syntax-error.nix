# Nix checks a binding as its parser reduces it, at its semicolon: the duplicate comes
# before the syntax error that follows it.
[ { a = 1; a = 2; } then ]
