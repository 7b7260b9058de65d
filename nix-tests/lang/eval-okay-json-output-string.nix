"a\tb\\c\u"
