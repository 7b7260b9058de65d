''
  a "double" quote and a single ' quote
  and 'one' ''' two
''
