# The inner set is reduced before the outer binding that repeats a name: its error
# is reported, though the outer names are checked first when lowering.
{ b = { c = 1; c = 2; }; a = 1; a = 2; }
