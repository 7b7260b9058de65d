import ./lib/mk.nix "pass-as-file" { passAsFile = [ "big" "other" ]; big = "lots of text"; other = "more"; }
