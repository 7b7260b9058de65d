# Small chained derivations used by the store-client tests; see regen.sh.
# Nothing here is ever built: only the .drv files nix-instantiate writes matter.
let
  src = ./src.txt;
  a = derivation {
    name = "a";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo \"quoted\" back\\slash\ttab\nnewline\r> $out; touch $dev" ];
    outputs = [ "out" "dev" ];
    weird = "é ü \\ \" $";
  };
  fod = derivation {
    name = "fod";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "echo hello > $out" ];
    outputHashAlgo = "sha256";
    outputHash = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
  };
  fodr = derivation {
    name = "fod-r";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "mkdir $out" ];
    outputHashMode = "recursive";
    outputHash = "sha256-Pyk7t6DIVjwiq80KO4oVQNYHpLzb3p2k6O8DCzPG24Y=";
  };
  b = derivation {
    name = "b";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "cat ${a} ${a.dev} ${fod} ${src} > $out" ];
    fromFod = "${fodr}";
  };
  c = derivation {
    name = "c";
    system = "x86_64-linux";
    builder = "/bin/sh";
    args = [ "-c" "cat ${b} ${builtins.toFile "note" "hi ${src}"} > $out" ];
    outputs = [ "bin" "out" ];
  };
  show = d: builtins.concatStringsSep " "
    ([ d.name d.drvPath ] ++ map (o: "${o}=${d.${o}.outPath}") (d.outputs or [ "out" ]));
in {
  inherit a fod fodr b c;
  listing = builtins.concatStringsSep "\n" (map show [ a fod fodr b c ]) + "\n";
}
