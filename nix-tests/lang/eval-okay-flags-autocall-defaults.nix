# with some --arg, a top-level function with formals is called automatically, using defaults
{ a ? "A", b ? "B", ... }: a + b
