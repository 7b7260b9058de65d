# A default is reduced before the function that holds it.
{ x ? { b = 1; b = 2; }, x }: 1
