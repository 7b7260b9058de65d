# A replacement is forced only when its pattern matches (modern Nix; Nix 2.8 forced all).
let r = builtins.tryEval (builtins.replaceStrings [ "oo" "XX" ] [ "u" (throw "unused") ] "foobar");
in [ r.success (if r.success then r.value else null) ]
