# Strings that are not UTF-8 (the halves of "é", a byte 0xff from a file read as bytes)
# go into the .drv as they are: environment values and names, builder, arguments,
# structured attributes, and `toFile` contents among the input sources.
let
  c3 = builtins.substring 0 1 "é";
  a9 = builtins.substring 1 1 "é";
  text = builtins.toFile "latin1" "caf${a9}";
  plain = derivation {
    name = "bytes-plain";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo ${c3} > $out" c3 ];
    t = c3;
    ${a9} = "named by a byte";
    file = text;
  };
  structured = derivation {
    name = "bytes-structured";
    system = "x86_64-linux";
    builder = "/bin/sh";
    __structuredAttrs = true;
    ${c3} = [ c3 a9 ];
    dep = plain;
  };
in
[ plain structured ]
