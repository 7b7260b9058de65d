# text on the first line after '' is kept and counts for indentation
''first
  second
''
