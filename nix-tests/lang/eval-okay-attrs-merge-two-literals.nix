# two plain attribute set literals bound to the same name are merged
{ a = { x = 1; }; a = { y = 2; }; }
