# fetchurl names the store path after `name` when given, else after the URL's base name.
let url = "file://${toString ./lib/files/hello.txt}"; in [
  (baseNameOf (builtins.fetchurl { inherit url; name = "custom"; }))
  (baseNameOf (builtins.fetchurl url))
]
