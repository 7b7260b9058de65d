# zipAttrsWith of 0-20 sets (the merge of a few sets and the hashing of many), sets
# with no names in common, layered sets (`//`), and values left unforced.
let
  z = builtins.zipAttrsWith (n: vs: [ n vs ]);
  mk = k: builtins.listToAttrs (builtins.genList (i: { name = "a${toString (i * k)}"; value = i + k; }) 12);
  sets = n: builtins.genList (k: mk (k + 1)) n;
in {
  empty = z [ ];
  one = z [ { a = 1; } ];
  emptysets = z [ { } { } { x = 1; } { } ];
  three = z [ { a = 1; b = 2; } { b = 3; c = 4; } { a = 5; } ];
  eight = z (sets 8);
  nine = z (sets 9);
  twenty = z (sets 20);
  layered = z [ ({ a = 1; z = 2; } // { b = 3; }) ({ c = 1; } // { a = 9; }) ];
  lazy = builtins.attrNames (builtins.zipAttrsWith (n: vs: throw "no") [ { a = throw "x"; } { b = 1; } ]);
  count = builtins.length (builtins.attrNames (z (sets 8)));
}
