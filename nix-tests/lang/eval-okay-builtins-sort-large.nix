let
  n = 9600;
  xs = builtins.genList (i: builtins.bitXor (i * 2654435761) 1234567 - (builtins.div (i * 2654435761) 65536) * 65536) n;
  sorted = builtins.sort (a: b: a < b) xs;
  ok = builtins.foldl' (acc: i: acc && builtins.elemAt sorted i <= builtins.elemAt sorted (i + 1)) true (builtins.genList (i: i) (n - 1));
in [ (builtins.length sorted) ok (builtins.head sorted) (builtins.elemAt sorted (n - 1)) ]
