# The duplicate is reduced before the parser reaches the broken value after it.
{ a = 1; a = 2; b = then; }
