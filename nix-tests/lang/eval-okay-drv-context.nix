let mk = name: attrs: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // attrs); in let d = mk "ctx" { outputs = [ "out" "dev" ]; }; f = builtins.toFile "f" "x"; in {
  drvPath = builtins.getContext d.drvPath;
  outPath = builtins.getContext d.outPath;
  dev = builtins.getContext d.dev.outPath;
  both = builtins.getContext "${d} ${d.dev} ${d.drvPath}";
  file = builtins.getContext f;
  src = builtins.getContext "${./lib/store-src/a.nix}";
  none = builtins.getContext "plain";
}
