1 # a comment ends at a carriage return+ 2
