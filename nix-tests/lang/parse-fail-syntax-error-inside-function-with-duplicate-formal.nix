# The body never completes, so the function is never reduced: the syntax error wins.
{ a, a }: 1 +
