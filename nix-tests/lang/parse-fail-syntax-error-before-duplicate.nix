# The second binding is not complete when the parser stops: the syntax error wins.
{ a = 1; a = 2 then
