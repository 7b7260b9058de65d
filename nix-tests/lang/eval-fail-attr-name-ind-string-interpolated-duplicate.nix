# `${''${"x"}''}` is the static name `x`: defining it twice is Nix's static duplicate error.
{ x = 1; ${''${"x"}''} = 2; }
