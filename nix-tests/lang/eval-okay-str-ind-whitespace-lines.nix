# lines with only spaces, shorter than the indentation, become empty
''
    a
  
    b
''
