# A derivation's `all` list holds the derivation, whose attributes hold the list again: the
# derivation printed a second time is `<repeated />`, which ends the cycle (no overflow).
let
  d = derivation { name = "d"; system = "s"; builder = "b"; };
  e = d // { extra = [ d.all ]; };
in
{
  all = builtins.toXML d.all;
  inSet = builtins.toXML { x = d.all; };
  inList = builtins.toXML [ d.all d ];
  updated = builtins.stringLength (builtins.toXML e.all);
}
