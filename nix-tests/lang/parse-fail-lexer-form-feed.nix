# Nix lexes only [ \t\r\n] as whitespace: a form feed is an invalid token.
{ a =1; }
