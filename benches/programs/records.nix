# Data processing over records bound at the top of the program, as scripts and tests
# write it: 200,000 records made by `genList` with string interpolation, grouped by key
# with `groupBy`, filtered, counted; a 170,000-character string split into one-character
# strings with `substring`. The result is a JSON string: the records die when it is known.
let
  records = builtins.genList (i: {
    key = "k${toString (i - (i / 97) * 97)}";
    value = i;
    tags = [ "t${toString (i - (i / 7) * 7)}" ];
  }) 200000;
  byKey = builtins.groupBy (r: r.key) records;
  evens = builtins.filter (r: r.value - (r.value / 2) * 2 == 0) records;
  text = builtins.concatStringsSep "" (builtins.genList (i: "x${toString i}") 30000);
  chars = builtins.genList (p: builtins.substring p 1 text) (builtins.stringLength text);
in builtins.toJSON {
  groups = builtins.length (builtins.attrNames byKey);
  k5 = builtins.length byKey.k5;
  evens = builtins.length evens;
  ones = builtins.length (builtins.filter (c: c == "1") chars);
  tagged = builtins.length (builtins.filter (r: builtins.head r.tags == "t3") records);
}
