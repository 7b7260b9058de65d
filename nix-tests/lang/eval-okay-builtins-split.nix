let s = builtins.split; in [
  (s "," "a,b,c") (s "(,)" "a,b") (s "x*" "ab") (s "(x*)" "ab") (s "" "") (s "a" "") (s "(a)|b" "xaybz") (s "." "é")
  (s "\\." "a.b.c") (s "^" "ab") (s "a^" "aa") (s "$" "ab") (s "([[:digit:]]+)" "a12b3") (s "(a)(b)?" "aab")
  (s "[[:space:]]+" " lead and  trail ") (s "-" "no-dash-here-") (s "(.)" "ab")
]
