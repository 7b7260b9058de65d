[ http://example.org/x https://a.b/c?d=e&f=g x:y ]
