# Nix lexes only [ \t\r\n] as whitespace: an ideographic space (U+3000) is an invalid token.
x:　x
