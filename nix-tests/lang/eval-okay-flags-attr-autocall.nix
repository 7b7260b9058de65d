# the selected attribute is auto-called when it is a function with formals
{ f = { n ? 5 }: n * 2; }
