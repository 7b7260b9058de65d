# `__overrides` in a rec set replaces attributes (also where the set refers to them) and
# adds the ones it lacks; dynamic attributes come after; non-rec sets ignore it.
let
  o = { a = 10; extra = "added"; };
  r = rec {
    __overrides = o;
    a = 1;
    b = a + 1;
    inherit (o) extra;
    "${"dyn"}" = b * 2;
  };
  plain = { __overrides = { x = 2; }; x = 1; };
in [ r plain (rec { __overrides = { }; v = 3; }).v ]
