# a string with an n-element context: appendContext, substring, `+`, getContext: n log n (Nix: n log n)
# probe-n: 10000
n: let
  hash = i: builtins.replaceStrings [ "e" ] [ "f" ] (builtins.substring 0 32 (builtins.hashString "sha256" (toString i)));
  s = builtins.appendContext "x" (builtins.listToAttrs (builtins.genList (i: { name = "/nix/store/${hash i}-p${toString i}"; value = { path = true; }; }) n));
in builtins.length (builtins.attrNames (builtins.getContext (builtins.substring 0 1 s + "y")))
