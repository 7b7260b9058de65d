"line one
line two
  indented is kept"
