let x = { outPath = x; }; in "${x}"
