# `toJSON` and `toXML` of a large option tree, as NixOS's manual builds its options.json and
# options.xml: nested sets of options (`_type = "option"`) with descriptions, defaults,
# examples and types, flattened by an `optionAttrSetToDocList`-like walk into a list of
# `{ name, description, default, example, type, declarations, loc, readOnly }` sets,
# then serialised. The result is the lengths and hashes of the documents.
let
  inherit (builtins) attrNames concatMap concatStringsSep genList isAttrs listToAttrs
    mapAttrs length stringLength toJSON toXML hashString toString;

  mkOption = attrs: attrs // { _type = "option"; };
  isOption = v: isAttrs v && v._type or "" == "option";
  types = {
    bool = { name = "bool"; description = "boolean"; };
    int = { name = "int"; description = "signed integer"; };
    str = { name = "str"; description = "string"; };
    port = { name = "port"; description = "16 bit unsigned integer; between 0 and 65535 (both inclusive)"; };
    listOf = t: { name = "listOf"; description = "list of ${t.description}s"; nestedTypes.elemType = t; };
    attrsOf = t: { name = "attrsOf"; description = "attribute set of ${t.description}s"; nestedTypes.elemType = t; };
    nullOr = t: { name = "nullOr"; description = "null or ${t.description}"; nestedTypes.elemType = t; };
  };

  # One service module's options: ~16 options, some nested one level deeper.
  service = s: i: {
    enable = mkOption { type = types.bool; default = false; description = "Whether to enable the ${s} service (number ${toString i})."; };
    package = mkOption { type = types.str; default = "${s}-${toString i}.0"; defaultText = "pkgs.${s}"; description = "The ${s} package to use."; };
    port = mkOption { type = types.port; default = 8000 + i; example = 443; description = "Port ${s} listens on. Use <literal>0</literal> for a random port, & not < 1024 unless root."; };
    user = mkOption { type = types.str; default = s; description = "User account under which ${s} runs."; };
    group = mkOption { type = types.str; default = s; description = "Group under which ${s} runs."; };
    dataDir = mkOption { type = types.str; default = "/var/lib/${s}"; description = "Directory where ${s} keeps its \"state\"."; };
    extraFlags = mkOption { type = types.listOf types.str; default = [ ]; example = [ "--verbose" "--port=${toString (8000 + i)}" ]; description = "Extra command-line flags passed to ${s}."; };
    environment = mkOption { type = types.attrsOf types.str; default = { }; example = { TZ = "UTC"; LANG = "C.UTF-8"; }; description = "Environment variables for ${s}."; };
    openFirewall = mkOption { type = types.bool; default = false; description = "Open ports in the firewall for ${s}.\n\nThis opens the port given in <option>port</option>."; };
    settings = {
      logLevel = mkOption { type = types.str; default = "info"; example = "debug"; description = "Log level of ${s}."; };
      maxConnections = mkOption { type = types.int; default = 100 + i; description = "Maximum number of concurrent connections."; };
      tls = {
        enable = mkOption { type = types.bool; default = false; description = "Use TLS."; };
        certFile = mkOption { type = types.nullOr types.str; default = null; example = "/run/keys/${s}.pem"; description = "Certificate file."; };
        ciphers = mkOption { type = types.listOf types.str; default = [ "ECDHE-RSA-AES256-GCM-SHA384" "ECDHE-ECDSA-CHACHA20-POLY1305" ]; description = "Allowed ciphers."; };
      };
    };
    timeout = mkOption { type = types.int; default = 30; readOnly = i / 7 * 7 == i; description = "Timeout in seconds (\t tabs and \\ backslashes)."; };
  };

  # 1,800 services in 60 groups: 27,000 options
  groups = listToAttrs (genList (g: {
    name = "group${toString g}";
    value = listToAttrs (genList (k: let i = g * 30 + k; in { name = "svc${toString i}"; value = service "svc${toString i}" i; }) 30);
  }) 60);
  options = { services = groups; };

  # optionAttrSetToDocList, reduced: names joined with ".", declarations made up per group
  docList = prefix: set: concatMap (name:
    let v = set.${name}; loc = prefix ++ [ name ]; in
    if isOption v then [ ({
      name = concatStringsSep "." loc;
      inherit loc;
      description = v.description or null;
      type = v.type.description or "unspecified";
      readOnly = v.readOnly or false;
      declarations = [ "nixos/modules/services/${builtins.elemAt loc 1}.nix" ];
    } // (if v ? default then { default = v.default; } else { })
      // (if v ? defaultText then { default = { _type = "literalExample"; text = v.defaultText; }; } else { })
      // (if v ? example then { example = v.example; } else { })) ]
    else if isAttrs v then docList loc v
    else [ ]) (attrNames set);
  list = docList [ ] options;

  # options.json: an attribute set keyed by option name, as in nixos/lib/make-options-doc
  optionsNix = listToAttrs (map (o: { name = o.name; value = removeAttrs o [ "name" ]; }) list);
  json = toJSON optionsNix;
  # options.xml: the list, through toXML
  xml = toXML list;
  # and the raw tree with its type functions' results, mapped
  typeNames = toJSON (mapAttrs (g: svcs: mapAttrs (n: o: o.port.type.name) svcs) groups);
in
{
  options = length list;
  jsonLength = stringLength json;
  jsonSha256 = hashString "sha256" json;
  xmlLength = stringLength xml;
  xmlSha256 = hashString "sha256" xml;
  typeNames = hashString "sha256" typeNames;
}
