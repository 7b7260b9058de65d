import ./lib/mk.nix "env-key-order" { Zed = "1"; alpha = "2"; _under = "3"; "with space" = "4"; "9nine" = "5"; "ä" = "6"; }
