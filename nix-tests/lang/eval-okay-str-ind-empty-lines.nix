# empty lines do not count for the indentation
''

    a

    b

''
