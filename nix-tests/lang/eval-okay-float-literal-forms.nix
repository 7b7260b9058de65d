map builtins.typeOf [ 1. 1.5 .5 0.5 1.e3 1.0e3 .5e-2 1.5E2 2.0e+2 0.1e1 5.e-1 ]
