# Attributes of a large cached file, decoded when first evaluated
# (`lib/large-package-set.nix`), as the cold pass evaluates them parsed.
let
  pkgs = import ./lib/large-package-set.nix;
in
{
  few = [ pkgs.p0.outPath pkgs.p9.meta pkgs.p18.name pkgs.p27.at pkgs.p36 pkgs.p45 (pkgs.p54 1 2) pkgs.p63 ];
  later = [ pkgs.p106.list pkgs.p155 (pkgs.p150 3 4).label pkgs.p131.big ];
  count = builtins.length (builtins.attrNames pkgs);
  skipped = (builtins.tryEval pkgs.broken.reason).success;
}
