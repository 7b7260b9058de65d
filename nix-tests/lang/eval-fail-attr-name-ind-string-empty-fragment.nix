# The indentation stripped leaves an empty fragment before the interpolation: Nix 2.8 keeps
# it (a dynamic name, `x` unbound); modern Nix drops it, so the name is static.
rec { ${''  ${"x"}''} = 1; y = x; }
