[ (toString ./foo) (toString /a/b) (toString ./.) (toString /.) ]
