let s = { outPath = { outPath = "/deep"; }; }; in "${s}"
