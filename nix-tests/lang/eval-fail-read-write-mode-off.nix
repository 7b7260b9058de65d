# Without --read-write-mode, --eval writes nothing to the store: a path evaluation
# computed is not valid and cannot be read back.
builtins.readFile (builtins.toFile "rnix-eval-corpus-never-written" "this file is never written to a store")
