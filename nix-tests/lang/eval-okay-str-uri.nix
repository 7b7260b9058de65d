[ http://example.org/a/b https://x.org/?q=1&r=2 mailto:someone@example.org ftp://host:21/f ]
