//! Calling a locked flake: every node of the lock file becomes its flake value (or, for
//! `flake = false`, its source), lazily, so an input that is never used is never
//! fetched. The shape of each value follows modern Nix (`call-flake.nix`): the outputs,
//! the source attributes, `inputs`, `outputs`, `sourceInfo`, `_type = "flake"`, and an
//! `outPath` that is the folder of `flake.nix` (`?dir=sub`: the source's `sub`; Nix 2.8
//! gave the source's root). A `flake = false` input is its source with `sourceInfo` and
//! an `outPath` that honours `dir`; a relative `path:` input is a folder of the flake
//! declaring it.

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
  # Modern Nix: a relative `path:` input is a folder of the flake that declares it, which
  # it shares the source (and `sourceInfo`) of; nothing is fetched for it.
  isRelative = key:
    key != lock.root
    && (lock.nodes.${key}.locked.type or null) == "path"
    && builtins.substring 0 1 lock.nodes.${key}.locked.path != "/";
  sourceOf = key:
    if key == lock.root then rootSource
    else if isRelative key then sources.${declarerOf key}
    else builtins.fetchTree (builtins.removeAttrs lock.nodes.${key}.locked [ "dir" ]);
  sources = builtins.mapAttrs (key: _: sourceOf key) lock.nodes;
  # The folder of the node's `flake.nix` (or, for `flake = false`, what `dir` names).
  outPathOf = key:
    let path = lock.nodes.${key}.locked.path; in
    if isRelative key then outPaths.${declarerOf key} + (if path == "" then "" else "/" + path)
    else withDir sources.${key}.outPath (dirOfNode key);
  outPaths = builtins.mapAttrs (key: _: outPathOf key) lock.nodes;
  values = builtins.mapAttrs
    (key: node:
      let
        source = sources.${key};
        outPath = outPaths.${key};
        flake = import (outPath + "/flake.nix");
        inputs = builtins.mapAttrs (_: spec: values.${resolve spec}) (node.inputs or { });
        outputs = flake.outputs (inputs // { self = result; });
        result = outputs // source // {
          _type = "flake";
          inherit outPath inputs outputs;
          sourceInfo = source;
        };
      in
      if node.flake or true then result else source // { inherit outPath; sourceInfo = source; })
    lock.nodes;
in
values.${lock.root}
"#;
