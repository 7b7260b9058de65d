# Globals Nix defines without `__` beyond the classic ones (nixpkgs' lib/trivial.nix
# calls `fromTOML` unqualified); `__x` aliases exist only for non-global builtins.
[
  (fromTOML "a = 1")
  (builtins.isFunction scopedImport)
  (builtins.isFunction placeholder)
  (builtins.isFunction derivationStrict)
  (builtins.isFunction fetchGit)
  (builtins.isFunction fetchTarball)
  (builtins.isFunction fetchTree)
  (builtins.isFunction fetchMercurial)
  (builtins.isFunction __fetchurl)
  (builtins.isFunction builtins.fetchurl)
  (builtins.hasAttr "__fromTOML" { })
]
