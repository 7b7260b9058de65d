# list comparison stops at the first differing element
[ 1 (throw "unused") ] < [ 2 (throw "unused") ]
