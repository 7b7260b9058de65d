# Merged literal sets: Nix locates the error at the first definition and names the second.
{ a = { "b c" = 1; }; a = { "b c" = 2; }; }
