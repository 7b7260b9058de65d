# rec attributes shadow an enclosing with
with { a = "with"; }; rec { a = "rec"; b = a; }
