# Out-of-range unsigned numbers and NUL bytes: eval-okay-fromjson-uint-overflow, -nul-key.
builtins.fromJSON ''
  { "int": 42, "neg": -7, "float": 1.5, "exp": 2.5e3, "negzero": -0, "negzerof": -0.0,
    "big": 9223372036854775807, "bigger": 18446744073709551616,
    "small": -9223372036854775809, "str": "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00",
    "list": [ 1, [ ], { } ], "null": null, "t": true, "f": false,
    "dup": 1, "dup": 2, "": "empty key", "nested": { "a": { "b": [ 1.25E-2 ] } } }
''
