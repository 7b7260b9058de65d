# The body set is reduced before the function whose formals repeat a name.
{ f = { x, x }: { a = 1; a = 2; }; }
