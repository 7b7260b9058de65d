# `import` of a symlink imports its target: relative paths inside resolve from the
# target's directory, and a link and its target are one import (the same value).
let
  viaLink = import ./lib/symlinks/link.nix;
  direct = import ./lib/symlinks/real/target.nix;
in [
  (viaLink == direct)
  (baseNameOf viaLink.here)
  (baseNameOf (import ./lib/symlinks/dirlink/target.nix).here)
]
