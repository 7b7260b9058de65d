builtins.fromJSON "[\n  1,\n  ]"
