let mk = name: attrs: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // attrs); in let d = mk "ops" {}; in {
  has = builtins.hasContext d.outPath;
  hasNot = builtins.hasContext "x";
  discarded = builtins.hasContext (builtins.unsafeDiscardStringContext d.outPath);
  discardedValue = builtins.unsafeDiscardStringContext d.outPath == d.outPath;
  outputDep = builtins.getContext (builtins.unsafeDiscardOutputDependency d.drvPath);
  outputDepOut = builtins.getContext (builtins.unsafeDiscardOutputDependency d.outPath);
  roundTrip = builtins.getContext (builtins.appendContext "" (builtins.getContext "${d}${d.drvPath}"));
  appended = builtins.getContext (builtins.appendContext "s" { ${builtins.unsafeDiscardStringContext d.drvPath} = { path = true; outputs = [ "out" "bin" ]; }; });
  appendedNothing = builtins.getContext (builtins.appendContext "s" { ${builtins.unsafeDiscardStringContext d.drvPath} = { path = false; allOutputs = false; outputs = []; }; });
  tostr = builtins.getContext (toString d);
  json = builtins.getContext (builtins.toJSON { inherit d; });
  concat = builtins.getContext (builtins.concatStringsSep "," [ "${d}" "x" ]);
  replaced = builtins.getContext (builtins.replaceStrings [ "a" ] [ "${d}" ] "abc");
  sub = builtins.getContext (builtins.substring 0 3 d.outPath);
}
