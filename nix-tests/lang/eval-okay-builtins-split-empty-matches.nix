let s = builtins.split; in [ (s "(a?)(ab)?" "ab") (s "a?" "baab") (s "a*" "baaac") (s "(a*)" "aa") (s "b*" "abba") (s "" "abc") (s "^a" "aaa") (s "$" "") ]
