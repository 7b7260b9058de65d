[ # comment after bracket
  1 # after element
  # full-line comment
  2
] # trailing
