# an interpolation at the start of a line counts as non-whitespace for indentation
let x = "X"; in ''
    a
  ${x} b
    c
''
