import ./lib/mk.nix "placeholder" { outputs = [ "out" "dev" ]; flags = "--prefix=${placeholder "out"} --dev=${placeholder "dev"}"; }
