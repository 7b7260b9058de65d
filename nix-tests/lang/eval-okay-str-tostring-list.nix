[ (toString [ 1 2 3 ]) (toString [ ]) (toString [ 1 [ 2 [ 3 ] ] "a" ]) (toString [ null null ]) (toString [ true false "x" ]) (toString [ [ ] [ ] ]) ]
