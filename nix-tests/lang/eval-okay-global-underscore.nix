# builtins are also available as __name
[ (__length [ 1 2 3 ]) (__head [ "h" ]) (__typeOf __add) ]
