# Derivations whose attributes carry string context, as nixpkgs' `mkDerivation`s do:
# search paths built from many inputs (`makeBinPath`-shaped `concatStringsSep ":"` of
# `"${dep}/bin"`), builder scripts interpolating a few packages, outputs read back as
# `"${drv.dev}/include"`, and a `toJSON` of the closure's paths. What the result checks
# is the `.drv` paths (their hash covers every input) and the context sizes.
let
  inherit (builtins) genList length foldl' elemAt concatStringsSep map stringLength
    getContext attrNames hashString toJSON;
  mk = name: attrs: derivation ({
    inherit name;
    system = "x86_64-linux";
    builder = "/bin/sh";
  } // attrs);
  # 300 leaves with two outputs each.
  leaves = genList (i: mk "leaf-${toString i}" {
    outputs = [ "out" "dev" ];
    args = [ "-c" "echo ${toString i} > $out; mkdir $dev" ];
  }) 300;
  leaf = i: elemAt leaves (i - i / 300 * 300);
  binPath = deps: concatStringsSep ":" (map (d: "${d}/bin") deps);
  includes = deps: concatStringsSep " " (map (d: "-I${d.dev}/include") deps);
  # 2,500 packages, each depending on 40 leaves and, through its script, on 3 more.
  pkgs = genList (i:
    let deps = genList (j: leaf (i * 7 + j * 13)) 40;
    in mk "pkg-${toString i}" {
      PATH = binPath deps;
      NIX_CFLAGS_COMPILE = includes deps;
      buildInputs = deps;
      script = ''
        ${leaf i}/bin/configure --prefix=$out
        make -C ${leaf (i + 1)}/src CC=${leaf (i + 2)}/bin/cc
      '';
    }) 2500;
  # A closure-like document of every package's outputs, as `writeReferencesToFile`
  # users and `toJSON` of `passthru` build it.
  doc = toJSON (map (p: { inherit (p) name; path = "${p}"; }) pkgs);
  total = foldl' (n: p: n + stringLength p.drvPath) 0 pkgs;
in {
  inherit total;
  docContext = length (attrNames (getContext doc));
  docHash = hashString "sha256" doc;
  pathContext = length (attrNames (getContext (elemAt pkgs 17).PATH));
  last = (elemAt pkgs 2499).drvPath;
}
