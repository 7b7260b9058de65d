# Where the module in `file` defines the option at `path`, for definition positions: the
# lib keeps only each definition's file, so the file is imported again, applied to the
# evaluation's module arguments, and walked along `path` through the properties
# (mkIf/mkMerge/mkOverride/mkOrder). Each place is the `unsafeGetAttrPos` of the option's
# last attribute, with the properties met on the way. Only places inside `file` count
# (a file that is not a module of its own, such as an `evalModules` call, finds none).
# `values`: the definitions themselves (properties removed), in the same order.
{ args, path }:
file:
let
  inherit (builtins) isFunction isAttrs functionArgs mapAttrs removeAttrs head tail
    concatMap filter unsafeGetAttrPos;
  imported = import file;
  # Arguments the evaluation lacks (specialArgs other than lib) fail only when used.
  missing = mapAttrs (n: _: throw "no module argument '${n}'") (functionArgs imported);
  module = if isFunction imported then imported (missing // args) else imported;
  # The lib's unifyModuleSyntax: `config`, or the shorthand without the module's own keys.
  config =
    if module ? config || module ? options then module.config or { }
    else removeAttrs module [ "_class" "_file" "key" "disabledModules" "imports" "meta" "freeformType" ];
  # A value that cannot be computed (it uses an argument we lack) is a plain definition.
  typeOf = v: let t = builtins.tryEval (if isAttrs v then v._type or null else null); in
    if t.success then t.value else null;
  walk = v: path: at:
    let type = typeOf v; in
    if type == "if" then walk v.content path (at // { condition = at.condition && v.condition; })
    else if type == "merge" then concatMap (c: walk c path at) v.contents
    else if type == "override" then walk v.content path (at // { priority = v.priority; })
    else if type == "order" then walk v.content path (at // { order = v.priority; })
    else if path == [ ] then [ (at // { value = v; }) ]
    else if isAttrs v && v ? ${head path} then
      walk v.${head path} (tail path) (at // { pos = unsafeGetAttrPos (head path) v; })
    else [ ];
  places = walk config path { condition = true; priority = 100; order = 1000; pos = null; };
  # A directory module is its default.nix.
  inFile = f: f == toString file || f == "${toString file}/default.nix";
  found = filter (p: p.pos != null && inFile p.pos.file) places;
in
{
  places = map (p: {
    inherit (p) condition priority order;
    line = p.pos.line;
    column = p.pos.column;
  }) found;
  # Apart, so that reading the places never computes a definition.
  values = map (p: p.value) found;
}
