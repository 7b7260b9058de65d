# `--strict --json` prints a derivation as its outPath and forces nothing else of it
# (nixpkgs' `-A config.users.users --strict --json` holds packages).
let
  d = derivation { name = "x"; system = "x"; builder = "/bin/sh"; }
    // { bad = throw "never forced"; meta.broken = throw "nor this"; };
in {
  inherit d;
  nested = { a = 1; l = [ d { outPath = "/out"; other = throw "no"; } ]; };
  str = { __toString = self: "str"; bad = throw "no"; };
  n = null;
}
