# A function written as an attribute value is an unevaluated thunk to the JSON printer.
{ f = x: x; }
