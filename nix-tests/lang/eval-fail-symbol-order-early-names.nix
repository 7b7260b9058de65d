# `system` was interned by Nix before `ab`: its attribute is forced first.
builtins.deepSeq { ab = throw "ab"; system = throw "system"; } 1
