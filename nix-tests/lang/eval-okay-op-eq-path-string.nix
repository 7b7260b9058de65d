# a path never equals a string, even with the same text
[ (/x == "/x") (toString /x == "/x") ]
