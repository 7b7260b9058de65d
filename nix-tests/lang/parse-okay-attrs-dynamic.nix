let n = "n"; in { ${n} = 1; "${n}x" = 2; "static" = 3; ${"lit"} = 4; a.${n}.b = 5; }
