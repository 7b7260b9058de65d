# Deep, non-tail recursion as nixpkgs' lib writes it: `lib.foldr` (20.09's `fold'`
# recursing on an index, `op (elemAt list n) (fold' (n + 1))`) over 20,000-element
# lists, a `sum n = n + sum (n - 1)` 2,000 levels deep called 1,000 times, and a
# `range`-style list builder recursing 3,000 levels. Each Nix call level took five native
# frames (about 2 KiB of stack) until tail positions continued in `eval`'s loop: past a
# thousand levels the stack left the cache and the time went to 1.5-1.8x Nix's.
let
  inherit (builtins) elemAt length genList foldl';
  foldr = op: nul: list:
    let
      len = length list;
      fold' = n: if n == len then nul else op (elemAt list n) (fold' (n + 1));
    in
    fold' 0;
  xs = genList (i: i) 20000;
  folded = foldl' (a: k: a + foldr (x: acc: x + acc) k xs) 0 (genList (i: i) 12);
  sum = n: if n == 0 then 0 else n + sum (n - 1);
  sums = foldl' (a: k: a + sum 2000) 0 (genList (i: i) 1000);
  range = first: last: if first > last then [ ] else [ first ] ++ range (first + 1) last;
  ranges = foldl' (a: k: a + length (range k (k + 3000))) 0 (genList (i: i) 20);
in
{
  inherit folded sums ranges;
}
