# the with expression is only evaluated when a variable is looked up in it
with (throw "not evaluated"); 1
