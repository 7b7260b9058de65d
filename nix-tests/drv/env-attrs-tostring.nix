import ./lib/mk.nix "env-attrs-tostring" { v = { __toString = self: "custom-${self.x}"; x = "value"; }; }
