# path interpolation in path literals evaluates to a path (no store copy)
let n = "name"; in [ ./dir/${n} ./${n}.nix /x/${n}/y ]
