/* # not a line comment */ 1
