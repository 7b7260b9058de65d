import ./lib/mk.nix "args-many" { args = [ "-e" "" "a b" "with\"quote" "tab\there" "new\nline" "back\\slash" 42 true null 1.5 [ "x" "y" ] ]; }
