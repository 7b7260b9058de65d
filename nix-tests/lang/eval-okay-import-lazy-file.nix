# import is lazy: an unused import of a broken file is never parsed
let unused = import ./lib/syntax-error.nix; in "ok"
