let x = 1; in ''
    line one
      indented ${toString x}
    ''${not} '''quotes'''
''
