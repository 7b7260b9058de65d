builtins.fromTOML ''
  title = "example"
  int = 42
  neg = -17
  under = 1_000_000
  hex = 0xDEAD_beef
  oct = 0o755
  bin = 0b1101
  float = 3.25
  sci = 6.02e23
  infs = [ inf, -inf, +inf ]
  bools = [ true, false ]
  mixed = [ 1, "two", [ 3 ], { four = 4 } ]
  literal = 'C:\path\no-escapes'
  multi = """
  line one
  line two"""
  escapes = "tab\there \u00e9 \U0001F600 quote\" backslash\\"
  "quoted key" = 1
  dotted.key.path = "deep"
  inline = { a = 1, b = { c = 2 } }

  [table]
  x = 1
  [table.sub]
  y = 2

  [[array]]
  name = "first"
  [[array]]
  name = "second"
  [array.extra]
  z = true
''
