# compareVersions / splitVersion / parseDrvName on n names: linear (Nix: linear)
# probe-n: 10000
n: builtins.foldl' (acc: i: acc + builtins.compareVersions "1.${toString i}.2pre" "1.${toString (n - i)}" + builtins.length (builtins.splitVersion "1.${toString i}.3") + builtins.stringLength (builtins.parseDrvName "foo-bar-${toString i}").version) 0 (builtins.genList (i: i) n)
