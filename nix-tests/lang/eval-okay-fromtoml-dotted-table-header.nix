# A table defined by dotted keys, then by a header: Nix 2.8's toml11 3.x merges them;
# TOML 1.0 and modern Nix's toml11 4.x refuse to define the table twice.
builtins.fromTOML ''
  a.b = 1
  [a]
  c = 2
''
