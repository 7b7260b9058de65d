''
  newline:''\nend
  tab:''\tend
  cr:''\rend
  backslash:''\\end
  other:''\qend
''
