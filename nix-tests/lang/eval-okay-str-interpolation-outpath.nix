let s = { outPath = "/some/path"; }; in "out: ${s}"
