//! Calling a locked flake: every node of the lock file becomes its flake value (or, for
//! `flake = false`, its source), lazily, so an input that is never used is never
//! fetched. The shape of each value follows Nix (`call-flake.nix`): the outputs, the
//! source attributes, `inputs`, `outputs`, `sourceInfo`, and modern Nix's
//! `_type = "flake"`.

/// Called with the lock file's JSON, the root's source attributes and the root's
/// subdirectory. A relative `path:` input lives in the source of the node that declared
/// it.
pub(crate) const CALL_FLAKE_NIX: &str = r#"
lockText: rootSource: rootDir:
let
  lock = builtins.fromJSON lockText;
  nodeNames = builtins.attrNames lock.nodes;
  declarerOf = key:
    builtins.head (builtins.filter
      (k: builtins.elem key (builtins.attrValues (lock.nodes.${k}.inputs or { })))
      nodeNames);
  resolve = spec: if builtins.isList spec then walk lock.root spec else spec;
  walk = key: path:
    if path == [ ] then key
    else walk (resolve lock.nodes.${key}.inputs.${builtins.head path}) (builtins.tail path);
  dirOfNode = key: if key == lock.root then rootDir else lock.nodes.${key}.locked.dir or "";
  withDir = base: dir: if dir == "" then base else base + "/" + dir;
  sourceOf = key:
    let
      locked = builtins.removeAttrs lock.nodes.${key}.locked [ "dir" ];
      parent = declarerOf key;
      relative = locked.type == "path" && builtins.substring 0 1 locked.path != "/";
      absolute = locked // {
        path = withDir sources.${parent}.outPath (dirOfNode parent) + "/" + locked.path;
      };
    in
    if key == lock.root then rootSource
    else builtins.fetchTree (if relative then absolute else locked);
  sources = builtins.mapAttrs (key: _: sourceOf key) lock.nodes;
  values = builtins.mapAttrs
    (key: node:
      let
        source = sources.${key};
        flake = import (withDir source.outPath (dirOfNode key) + "/flake.nix");
        inputs = builtins.mapAttrs (_: spec: values.${resolve spec}) (node.inputs or { });
        outputs = flake.outputs (inputs // { self = result; });
        result = outputs // source // {
          _type = "flake";
          inherit inputs outputs;
          sourceInfo = source;
        };
      in
      if node.flake or true then result else source)
    lock.nodes;
in
values.${lock.root}
"#;
