# backslashes are not escapes in indented strings
''
  a\nb \t \\ \"
''
