# `--xml --strict` forces as it prints; a derivation printed before is `<repeated />`
# and the copy's attributes are not forced.
let
  d = derivation { name = "x"; system = "x"; builder = "/bin/sh"; };
in {
  a = d;
  b = d // { bad = throw "never forced"; };
}
