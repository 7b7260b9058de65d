# A set's attributes are compared, forced and traced in the order their names were first
# interned, which is the order the file spells them (modern Nix's parser interns names
# as it reads them; Nix 2.8 agrees on these). The lowering met a set's static names before
# its values and the parse cache its symbols depth first, so a parsed (cold) and a cached
# (warm) run disagreed. Each `==` below throws when `zz2` (spelled first) is compared
# first, and is `false` when `zz1` is.
let
  x = { };
  # `zz2` first spelled in a selection inside an earlier attribute's value.
  viaSelect = rec { a = x.zz2 or 0; zz1 = 1; };
  # `yy2` first spelled in a `let` before the set that binds both.
  viaLet = let u = x.yy2 or 0; in { yy1 = u; };
  # `ww2` first spelled as a function's formal.
  viaFormal = { ww2 ? 0 }: { ww1 = ww2; };
  # `"vv2"` first spelled as a quoted attribute name.
  viaString = { "vv2" = 1; vv1 = 2; };
  probe = a: b: (builtins.tryEval (a == b)).success;
in
{
  inherit viaSelect viaLet viaString;
  formal = viaFormal { };
  select = probe { zz2 = throw "zz2"; zz1 = 1; } { zz2 = 1; zz1 = 2; };
  let' = probe { yy2 = throw "yy2"; yy1 = 1; } { yy2 = 1; yy1 = 2; };
  formals = probe { ww2 = throw "ww2"; ww1 = 1; } { ww2 = 1; ww1 = 2; };
  quoted = probe { vv2 = throw "vv2"; vv1 = 1; } { vv2 = 1; vv1 = 2; };
}
