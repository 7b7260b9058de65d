# the final line containing only spaces is dropped
''
  a
  b
    ''
