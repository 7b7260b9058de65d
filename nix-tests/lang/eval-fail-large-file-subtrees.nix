# A failure inside an attribute of a large cached file that is decoded late.
let
  pkgs = import ./lib/large-package-set.nix;
in
{
  few = [ pkgs.p0.outPath pkgs.p9.meta ];
  failed = pkgs.broken.reason;
}
