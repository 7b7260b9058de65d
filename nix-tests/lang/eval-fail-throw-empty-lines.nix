throw "Package has an unfree license, refusing to evaluate.\n\n  a) set allowUnfree \n\n  b) or not\n"
