let r = builtins.replaceStrings; in [
  (r [ "a" ] [ "b" ] "banana") (r [ "an" "a" ] [ "1" "2" ] "banana") (r [ "" ] [ "-" ] "abc") (r [ "" ] [ "-" ] "")
  (r [ "a" "" ] [ "A" "-" ] "cab") (r [ ] [ ] "same") (r [ "x" ] [ "y" ] "") (r [ "aa" ] [ "a" ] "aaaa")
  (r [ "b" "ab" ] [ "1" "2" ] "ab") (r [ "é" ] [ "e" ] "café")
]
