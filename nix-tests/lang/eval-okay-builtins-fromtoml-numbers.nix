# toml11 reads floats with C++ streams: too large floats become the largest float.
# (Integers outside i64 are errors in modern Nix: eval-okay-fromtoml-int-overflow-*.)
builtins.fromTOML ''
  max = 9223372036854775807
  min = -9223372036854775808
  hex = [0x7fffffffffffffff, 0xDEAD_BEEF]
  oct = [0o777]
  bin = [0b101, 0b111111111111111111111111111111111111111111111111111111111111111]
  floats = [inf, -inf, +inf, nan, -nan, +nan, -0.0, 0.0, 1e400, 1.7976931348623159e308, 1e-400, 4e-320, 1.5e308]
  "1e400" = { x = 1e400, y = 99 }
''
