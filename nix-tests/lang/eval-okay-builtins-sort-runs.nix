# Lists with runs already in order, ascending and descending, longer than the 16
# elements sorted by insertion: the comparator sees the pairs modern Nix's PeekSort
# gives it, which the inconsistent comparators (the last three) make visible.
let
  inherit (builtins) genList sort bitAnd bitXor concatLists;
  runs = concatLists [
    (genList (i: i * 3) 20)
    (genList (i: 100 - i * 2) 15)
    (genList (i: 7 + i) 25)
    (genList (i: 50 - i) 10)
    [ 5 5 5 4 4 ]
  ];
  nearly = genList (i: if bitAnd i 15 == 7 then 1000 - i else i) 90;
  desc = genList (i: 200 - i) 40;
in
[
  (sort (a: b: a < b) runs)
  (sort (a: b: a < b) nearly)
  (sort (a: b: a < b) desc)
  (sort (a: b: a / 10 < b / 10) runs)
  (sort (a: b: bitAnd (a * 31 + b * 17) 7 < 3) runs)
  (sort (a: b: a != b) nearly)
  (sort (a: b: bitAnd a 3 < bitAnd b 5) (genList (i: bitXor i 9) 70))
]
