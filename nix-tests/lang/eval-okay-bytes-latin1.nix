# A Latin-1 file read with readFile keeps its bytes (0xE9, 0xEF): printing, comparison,
# hashing, JSON, regexes and replacements all work on those bytes.
let
  s = builtins.readFile ./lib/bytes/latin1.txt;
  e = builtins.substring 3 1 s;
  firstOfE = builtins.substring 0 1 "é";
in
{
  inherit s e;
  len = builtins.stringLength s;
  concat = s + s;
  concatLen = builtins.stringLength (s + e);
  interp = "<${e}>";
  eqSelf = s == builtins.readFile ./lib/bytes/latin1.txt;
  neq = e == builtins.substring 1 1 "é";
  lt = [ (e < "z") (e > "z") (e < firstOfE) ("caf" < s) (s < "cafe") (firstOfE < e) ];
  sorted = builtins.sort (a: b: a < b) [ e "z" "é" "a" firstOfE ];
  json = builtins.toJSON { inherit s e; };
  hash = builtins.hashString "sha256" s;
  md5 = builtins.hashString "md5" e;
  replaced = builtins.replaceStrings [ e "na" ] [ "E" "NA" ] s;
  replacedTo = builtins.replaceStrings [ "caf" ] [ e ] "cafcaf";
  match = builtins.match "caf(.) (.*)\n" s;
  matchByte = builtins.match "(.)" e;
  matchCut = builtins.match "(.)(.*)" "é";
  split = builtins.split "(.)v" s;
  versions = builtins.splitVersion "1.${e}2";
  cmpv = builtins.compareVersions "1${e}" "1a";
  drvName = builtins.parseDrvName "caf${e}-1.0";
  base = builtins.baseNameOf "/x/caf${e}";
  dir = builtins.dirOf "/x${e}/y";
  list = toString [ e e ];
  lines = builtins.filter builtins.isString (builtins.split "\n" s);
  fromJSON = builtins.fromJSON (builtins.toJSON "é€😀\u0000x");
  xml = builtins.toXML e;
  concatSep = builtins.concatStringsSep e [ "a" "b" ];
  elem = builtins.elem e [ "x" e ];
  unsafe = builtins.unsafeDiscardStringContext e;
  typeOf = builtins.typeOf e;
}
