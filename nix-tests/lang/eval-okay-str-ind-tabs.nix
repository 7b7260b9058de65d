# tabs are not stripped as indentation
''
	tabbed
  spaced
''
