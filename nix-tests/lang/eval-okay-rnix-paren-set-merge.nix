# Parentheses around a literal set do not stop later definitions from merging into it
# (Nix's AST has no node for parentheses).
{
  attrs = { a = ({ x = 1; }); a.y = 2; };
  inLet = let a = ({ x = 1; }); a.y = 2; in a;
  twice = { a = (({ x = 1; })); a = { y = 2; }; };
  recFirst = { a = rec { x = 1; z = x; }; a = ({ y = 2; }); };
}
