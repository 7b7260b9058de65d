let n = "foo"; in { ${n} = 1; "${n}bar" = 2; ${"b" + "az"} = 3; }
