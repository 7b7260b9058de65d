[ "# not a comment" "/* not a comment */" ''
  # also not
'' ]
