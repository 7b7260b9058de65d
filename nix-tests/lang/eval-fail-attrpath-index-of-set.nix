# `-A a.0`: a component that reads as a number is a list index, and the value must be a list.
{ a = { "0" = "zero"; }; }
