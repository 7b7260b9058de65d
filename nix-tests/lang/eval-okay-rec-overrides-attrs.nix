# The attributes `__overrides` replaces are its own: their values, their positions, and
# `__overrides` itself when it overrides itself.
let
  s = rec {
    a = 1;
    b = a + 1;
    __overrides = { a = 2; added = 3; };
  };
  self = rec { __overrides = { __overrides = 1; }; };
in
{
  inherit s self;
  posA = builtins.unsafeGetAttrPos "a" s;
  posB = builtins.unsafeGetAttrPos "b" s;
  posAdded = builtins.unsafeGetAttrPos "added" s;
  names = builtins.attrNames self;
}
