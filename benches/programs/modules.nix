# A NixOS-modules-like workload.
# Measures: recursive merging of many nested attrsets (zipAttrsWith,
# recursive descent with isAttrs/isList/typeOf dispatch), list
# concatenation of option values, `mkIf`/`mkOverride`-style wrapped values
# (priorities resolved with sort/filter), a fixed point over the merged
# config (modules read `config` to produce more definitions), catAttrs,
# intersectAttrs and deepSeq of the final result.
let
  mod = a: b: a - a / b * b;
  fix = f: let x = f x; in x;

  mkIf = cond: content: { _type = "if"; inherit cond content; };
  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  isType = t: v: builtins.isAttrs v && (v._type or null) == t;

  # push mkIf down / drop disabled definitions
  discharge = v:
    if isType "if" v then (if v.cond then discharge v.content else [ ])
    else [ v ];

  # merge a list of definitions for one option path
  mergeDefs = path: defs0:
    let
      defs = builtins.concatMap discharge defs0;
      overrides = builtins.filter (isType "override") defs;
      plain = builtins.filter (d: !(isType "override" d)) defs;
      best = builtins.head (builtins.sort (a: b: a.priority < b.priority) overrides);
      chosen = if overrides == [ ] then plain else [ best.content ];
      first = builtins.head chosen;
    in
    if chosen == [ ] then null
    else if builtins.all builtins.isAttrs chosen then
      builtins.zipAttrsWith (name: vs: mergeDefs (path + "." + name) vs) chosen
    else if builtins.all builtins.isList chosen then builtins.concatLists chosen
    else if builtins.all builtins.isInt chosen then builtins.foldl' builtins.add 0 chosen
    else if builtins.all builtins.isString chosen then builtins.concatStringsSep "\n" chosen
    else builtins.elemAt chosen (builtins.length chosen - 1);

  nServices = 200;
  nModules = 6000;
  svc = j: "svc${toString j}";

  # each module is a function of the final config
  mkModule = i: config: {
    services = builtins.listToAttrs (builtins.genList (k:
      let j = mod (i * 7 + k * 13) nServices; in {
        name = svc j;
        value = {
          enable = mkIf (mod (i + j) 3 != 0) true;
          ports = [ (1000 + i) (2000 + j) ];
          weight = i + j;
          settings = {
            "opt-${toString (mod i 5)}" = { value = i; tags = [ "m${toString i}" ]; };
            nested.deep.counter = 1;
            description = mkIf (mod i 4 == 0) "module ${toString i}";
          };
          user = if mod i 10 == 0 then mkOverride (mod i 7) "user${toString i}" else "default";
        };
      }) 12);
    environment.packages = [ "pkg${toString i}" ];
    environment.variables."VAR_${toString (mod i 20)}" = [ (toString i) ];
    # definitions depending on the merged result (forces the fixed point)
    networking.openPorts = mkIf (i == 0)
      (builtins.concatMap (name: config.services.${name}.ports)
        (builtins.attrNames config.services));
  };

  config = fix (config: mergeDefs "config" (builtins.genList (i: mkModule i config) nModules));

  enabled = builtins.filter (name: config.services.${name}.enable or false)
    (builtins.attrNames config.services);
  weights = builtins.catAttrs "weight" (builtins.attrValues config.services);
  common = builtins.intersectAttrs { svc1 = null; svc2 = null; svc999 = null; } config.services;
  summary = {
    services = builtins.length (builtins.attrNames config.services);
    enabled = builtins.length enabled;
    totalWeight = builtins.foldl' builtins.add 0 weights;
    openPorts = builtins.length config.networking.openPorts;
    packages = builtins.length config.environment.packages;
    variables = builtins.length (builtins.attrNames config.environment.variables);
    common = builtins.attrNames common;
    svc10user = config.services.svc10.user;
    counter = config.services.svc3.settings.nested.deep.counter;
    typeOfSettings = builtins.typeOf config.services.svc3.settings;
  };
in
builtins.deepSeq config summary
