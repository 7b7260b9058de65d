# `substring` takes its start and length as 64-bit integers, as modern Nix does; Nix 2.8
# cut them to 32 bits (2^62 became 0, 2^32 + 1 became 1).
[
  (builtins.substring 1 4611686018427387904 "abc")
  (builtins.substring 4294967297 1 "abc")
  (builtins.substring 0 4294967297 "abc")
]
