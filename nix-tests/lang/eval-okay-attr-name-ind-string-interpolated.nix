# An indented string whose only part is an interpolated string literal is that literal
# (Nix's stripIndentation), so `${''${"x"}''}` is a static attribute name: rec and let
# bind it, nested paths merge, parentheses are transparent.
let
  a = { ${''${"x"}''} = 1; };
  b = rec { ${''${"x"}''} = 1; y = x; };
  c = let ${''${"x"}''} = 2; in x;
  d = { ${''${"x"}''}.y = 1; ${''${"x"}''}.z = 2; };
  e = rec { ${("p")} = 3; q = p; };
  f = rec { ${''${''${"r"}''}''} = 4; s = r; };
  g = { a.x = 5; }.a.${''${"x"}''};
  h = { x = 1; } ? ${''${"x"}''};
  i = let ${''${"x"}''}.y = 6; in x;
in [ a b c d e f g h i ]
