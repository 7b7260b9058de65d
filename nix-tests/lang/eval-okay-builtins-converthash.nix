# convertHash is modern (Nix 2.19); the .modern expectation was produced with Nix 2.8's
# `nix hash to-base16/to-base32/to-base64/to-sri` on the same inputs.
if !(builtins ? convertHash) then "convertHash is missing" else
let
  sha256 = builtins.hashString "sha256" "abc";
  md5 = builtins.hashString "md5" "";
  sha1 = builtins.hashString "sha1" "abc";
  sha512 = builtins.hashString "sha512" "abc";
  to = toHashFormat: hashAlgo: hash: builtins.convertHash { inherit hash hashAlgo toHashFormat; };
in [
  (to "nix32" "sha256" sha256)
  (to "base32" "sha256" sha256)
  (to "base64" "sha256" sha256)
  (to "sri" "sha256" sha256)
  (to "base16" "md5" md5)
  (to "sri" "md5" md5)
  (to "nix32" "sha1" sha1)
  (to "sri" "sha512" sha512)
  (builtins.convertHash { hash = "sha256:${sha256}"; toHashFormat = "sri"; })
  (builtins.convertHash { hash = to "sri" "sha1" sha1; toHashFormat = "base16"; })
]
