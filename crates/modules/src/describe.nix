# One option as data, computed by the evaluated nixpkgs' own `lib` (never our merge
# rules): its `optionAttrSetToDocList` entry, its value and its final definitions.
# `asText`: every value as `lib.generators.toPretty` text (for people); otherwise values
# that JSON can carry as they are, the others as nixpkgs' `literalExpression` shape.
{ lib, system, opt, merged, config, path, asText }:
let
  inherit (builtins) isAttrs isList isFunction isPath isString all attrValues head concatMap
    filter substring pathExists;
  pretty = v: lib.generators.toPretty { } v;
  plain = v:
    if isFunction v || isPath v then false
    else if isAttrs v then
      !(v ? outPath || v ? __functor || v ? __toString) && all plain (attrValues v)
    else if isList v then all plain v
    else true;
  # Rendered documentation values (`literalExpression`, `literalExample`, ...) stay.
  documented = v: isAttrs v && v ? _type && v ? text;
  render = v:
    if documented v then (if asText then v.text else v)
    else if asText then pretty v
    else if plain v then v
    else { _type = "literalExpression"; text = pretty v; };
  doc = head (lib.optionAttrSetToDocList { x = opt; });
  defs = opt.definitionsWithLocations
    or (lib.zipListsWith (file: value: { inherit file value; }) opt.files opt.definitions);
  # Module files that may define the option: the whole module graph (2026 lib), else
  # the files of the winning definitions (20.09 keeps no other).
  graphFiles = g: concatMap (m: [ m.file ] ++ graphFiles m.imports) (filter (m: !m.disabled) g);
  candidates = map (d: d.file) defs ++ (if system ? graph then graphFiles system.graph else [ ]);
  isFile = f: isString f && substring 0 1 f == "/" && pathExists f;
  moduleArgs = (system._module.specialArgs or { }) // (system._module.args or config._module.args or { });
in
{
  moduleFiles = if merged then lib.unique (filter isFile candidates) else [ ];
  # For locate.nix.
  locateArgs = {
    args = moduleArgs // { inherit lib config; inherit (system) options; };
    inherit path;
  };
  inherit (doc) name loc declarations internal visible readOnly;
  type = doc.type;
  description = doc.description;
  hasDefault = doc ? default;
  default = render doc.default;
  hasExample = doc ? example;
  example = render doc.example;
  # `merged = false`: a declaration from `type.getSubOptions`, whose definitions are not
  # the ones that made the value.
  highestPrio = if merged then opt.highestPrio or null else null;
  # `priority` on a 2026 definition is its mkBefore/mkAfter order, when one was ordered.
  definitions =
    if merged then map (def: { inherit (def) file; value = render def.value; order = def.priority or null; }) defs
    else [ ];
  value = render (lib.getAttrFromPath path config);
}
