# Nix lexes only [ \t\r\n] as whitespace: a no-break space (U+00A0) is an invalid token.
[ 1 2 ]
