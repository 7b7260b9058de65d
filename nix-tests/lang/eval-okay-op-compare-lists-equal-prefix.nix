# elements that are equal (==) are skipped without being ordered, even sets
[ ([ { } 1 ] < [ { } 2 ]) ([ { } ] < [ { } ]) ([ (x: x) ] < [ ]) ]
