# Nix lexes only [ \t\r\n] as whitespace: a vertical tab is an invalid token.
1 +2
