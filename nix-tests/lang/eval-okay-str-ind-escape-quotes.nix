''
  three quotes: ''' end
  dollar-brace: ''${
''
