# ++ binds tighter than == and //
[ ([ 1 ] ++ [ 2 ] == [ 1 2 ]) ]
