# the top-level function is called before the attribute is selected
{ x ? 1 }: { res = x + 100; }
