let
  step = prev: n: import ./lib/mk.nix "step-${toString n}" { prev = prev; n = n; };
  s1 = import ./lib/mk.nix "step-0" {};
  s2 = step s1 1; s3 = step s2 2; s4 = step s3 3;
in step s4 4
