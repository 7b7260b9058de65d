let
  drv = { type = "derivation"; name = "x"; outPath = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x"; drvPath = "/nix/store/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-x.drv"; v = 1; };
  nodrv = { type = "derivation"; name = "y"; };
in builtins.toXML {
  int = 1; float = 2.5; str = "s<>&\"'\n\t\r"; null = null; bool = true; list = [ 1 "x" ]; path = ./lib/files/hello.txt;
  fun = x: x; pat = { p, q ? 1, ... }: p; at = args@{ p }: p; prim = builtins.map; primapp = builtins.map (x: x);
  drvs = [ drv drv ]; nested = { inner = drv; again = drv; }; nodrv = nodrv; nodrvs = [ nodrv nodrv ];
  empty = { }; emptylist = [ ]; floats = [ 1.0 (-0.5) 100000000.0 1.0e-5 ]; forced = builtins.head [ (1 + 1) ];
}
