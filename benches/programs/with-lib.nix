# `with`-heavy code as nixpkgs and NixOS write it: module-style files opening `with lib;`
# (a lib of ~400 attributes) and reading most names through it, nested `with`s over large
# sets (`with pkgs; with lib; with builtins;`, pkgs 8,000 attributes), names found in the
# outermost `with`, and `let` names shadowing `with` names.
let
  inherit (builtins) genList listToAttrs foldl' length toString attrNames;

  # a lib whose helpers are reached through `with lib;`
  fillers = listToAttrs (genList (i: { name = "helper${toString i}"; value = x: x + i; }) 380);
  lib = fillers // rec {
    mkIf = cond: content: { _type = "if"; inherit cond content; };
    mkDefault = v: { _type = "override"; priority = 1000; content = v; };
    mkOption = attrs: attrs // { _type = "option"; };
    optional = cond: x: if cond then [ x ] else [ ];
    optionalString = cond: s: if cond then s else "";
    concatStringsSep = builtins.concatStringsSep;
    mapAttrsToList = f: attrs: map (name: f name attrs.${name}) (attrNames attrs);
    types = { bool = "bool"; int = "int"; str = "str"; listOf = t: "listOf ${t}"; };
    id = x: x;
    flip = f: a: b: f b a;
  };
  pkgs = listToAttrs (genList (i: { name = "pkg${toString i}"; value = { name = "pkg${toString i}"; version = i; }; }) 8000)
    // { inherit lib; stdenv = { isLinux = true; }; };

  # a NixOS-module-shaped file: `{ config, lib, pkgs, ... }: with lib; let cfg = ...; in { ... }`
  module = i: { config, lib, pkgs, ... }:
    with lib;
    let
      name = "svc${toString i}";
      cfg = config.services.${name};
    in
    {
      options.services.${name} = {
        enable = mkOption { type = types.bool; default = false; };
        port = mkOption { type = types.int; default = helper17 i; };
        flags = mkOption { type = types.listOf types.str; default = [ ]; };
      };
      config = mkIf cfg.enable {
        users.${name} = mkDefault { uid = helper3 i; };
        script = concatStringsSep " " ([ "run" name ] ++ optional (cfg.port > 100) "--port=${toString cfg.port}" ++ mapAttrsToList (k: v: "${k}=${toString v}") { a = 1; b = i; });
        extra = optionalString pkgs.stdenv.isLinux (flip (a: b: a + b) "x" "y");
        ids = map (f: f i) [ helper1 helper100 helper379 id ];
      };
    };
  config = { services = listToAttrs (genList (i: { name = "svc${toString i}"; value = { enable = true; port = 100 + i; flags = [ ]; }; }) 5000); };
  evaluated = genList (i: (module i) { inherit config lib pkgs; }) 5000;
  moduleSum = foldl' (s: m: s + m.options.services."svc${toString (m.config.content.users.${builtins.head (attrNames m.config.content.users)}.content.uid - 3)}".port.default
    + builtins.stringLength m.config.content.script + builtins.stringLength m.config.content.extra
    + foldl' (a: b: a + b) 0 m.config.content.ids) 0 evaluated;

  # nested `with`s over large sets: the name is found in the outermost scope (`with pkgs;`),
  # or in `let` (shadowing), or in a middle `with`
  nestedSum = foldl' (s: i:
    with pkgs; with lib; with builtins; with { local = i; };
    let shadow = 1; in
    s + pkg4321.version + (helper200 local) + length [ pkg1 pkg2 ] + shadow + (if stdenv.isLinux then 1 else 0)
  ) 0 (genList (i: i) 300000);

  # `with` inside a function body reached many times (package expressions: `with pkgs; [ ... ]`)
  inputs = i: with pkgs; [ pkg1 pkg2 pkg3 pkg4 pkg5 pkg6 pkg7 pkg8 ] ++ lib.optional (i / 2 * 2 == i) pkg7999;
  inputCount = foldl' (s: i: s + length (inputs i)) 0 (genList (i: i) 200000);
in
{
  inherit moduleSum nestedSum inputCount;
}
