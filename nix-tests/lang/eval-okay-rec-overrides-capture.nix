# `__overrides` is evaluated while the set's own attributes are in its frame; then the
# overridden ones are replaced there. A name `__overrides` spells directly is the set's
# own value at that moment (`b = a; c = b;` gives `c` the old `b`, and `a = a;` is no
# loop), while everything evaluated later, the overrides' own expressions included,
# sees the overrides. Found by fuzzing: `rec { __overrides = { a = a; }; a = 1; }`
# overflowed the native stack (SIGABRT).
let
  loopFree = rec { __overrides = { a = a; }; a = 1; };
  capture = rec { __overrides = { b = a; c = b; }; a = 1; b = 2; c = 3; };
  swapped = rec { __overrides = { a = b; b = a; }; a = 1; b = 2; };
  later = rec { __overrides = { c = b + 10; b = 5; }; a = 1; b = 2; c = 3; d = c; };
  inherited = let x = 7; in rec { __overrides = { y = x + 1; }; inherit x; y = 0; z = y; };
  strings = rec { __overrides = { a = "x"; }; a = "y"; b = "${a}!"; ${"d"} = a; };
  listed = rec { __overrides = { a = [ a ]; }; a = 1; };
in
{
  inherit loopFree capture swapped later inherited strings;
  loopFreeA = loopFree.a;
  caught = builtins.tryEval (rec { __overrides = { a = a; }; a = 1; }).a;
  listed = listed.a;
}
