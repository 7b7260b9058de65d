# A missing attribute that is not an identifier: modern Nix quotes it (printIdentifier).
{ a = 1; }."b c"
