# Nix binds variables after the whole file is parsed: an attribute defined twice is
# reported before the undefined variable that comes earlier in the text.
[ x { a = 1; a = 2; } ]
