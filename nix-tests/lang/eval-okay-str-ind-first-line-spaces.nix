# whitespace-only first line is dropped
''   
  a
  b''
