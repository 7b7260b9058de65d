{ n, s }: { inherit n s; types = [ (builtins.typeOf n) (builtins.typeOf s) ]; }
