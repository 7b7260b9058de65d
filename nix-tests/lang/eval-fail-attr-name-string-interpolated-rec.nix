# A `"` string with an interpolation stays a dynamic name, even of a literal: rec does not bind it.
rec { ${"${"x"}"} = 1; y = x; }
