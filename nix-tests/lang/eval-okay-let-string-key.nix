let "foo bar" = 1; in { }
