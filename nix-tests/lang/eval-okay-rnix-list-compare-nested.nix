# Lists compare at their first elements that are not `==`, by `<`, level by level.
let
  f = x: x;
  deep = n: if n == 0 then [ ] else [ (deep (n - 1)) ];
in
[
  ([ 1 [ 2 3 ] ] < [ 1 [ 2 4 ] ])
  ([ [ ] ] < [ [ 1 ] ])
  ([ [ 1 ] ] < [ [ 1 ] ])
  ([ [ 1.0 ] 2 ] < [ [ 1 ] 3 ])
  ([ [ f ] 1 ] < [ [ f ] 2 ])
  ([ [ { a = 1; } ] 1 ] < [ [ { a = 1; } ] 2 ])
  ([ [ [ 1 2 ] ] [ 3 ] ] < [ [ [ 1 2 ] ] [ 2 ] ])
  (deep 2000 < deep 2001)
  (deep 2001 < deep 2000)
  (deep 2000 < deep 2000)
]
