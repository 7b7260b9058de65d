let m = builtins.match; in [
  (m "a.c" "a\nc") (m "[[:alpha:]]+" "abC") (m "[^]a]+" "bcd") (m "[]a]+" "a]a") (m "a{2}" "aa") (m "a**" "aa")
  (m "(a|ab)(c|bcd)(d*)" "abcd") (m "(a*)+" "") (m "x*" "") (m "[a-]+" "a-a") (m "[\\n]" "\\") (m "[\\n]" "n")
  (m "\\." ".") (m "a+?" "aa") (m "^a$" "a") (m "[[.a.]]" "a") (m "[[=a=]]" "a") (m "." "é") (m "é" "é")
  (m "(a)(b)?" "a") (m "(a)|(b)" "b") (m "a{0}" "") (m "a{1,}" "aaa") (m "\\{" "{") (m "}" "}") (m "]" "]")
  (m "[[:upper:][:digit:]]+" "A1") (m "[[:space:]]" "\t") (m "[[:blank:]]" "\n") (m "[[:w:]]+" "a_1") (m "[[:d:]]" "1")
  (m "[[:xdigit:]]+" "aF0") (m "[[:punct:]]+" "!~") (m "[[:cntrl:]]" "\n") (m "[[:graph:]]" " ") (m "[[:print:]]" " ")
  (m "[[.hyphen.]]" "-") (m "[%--]" "+") (m "[^-a]" "b") (m "[[]" "[") (m "a{1}{2}" "aa") (m "a?*" "aa")
  (m "a^b" "a^b") (m "a\\^b" "a^b") (m "a|^b" "b") (m "(^a)" "a") (m "x(^a)" "xa") (m "(a$)" "a") (m "$a" "$a")
  (m "((a)|b)*" "ab") (m "(a|b)*" "ab") (m "()" "") (m "a||b" "") (m "" "") (m "" "a") (m "abc" "xabcx")
  (m "([0-9]+)\\.([0-9]+)" "12.34") (m ".*-([^-]*)" "foo-bar-baz") (m "[[.left-square-bracket.]]" "[")
  (m "[a-c-]" "-") (m "[--z]" "q") (m "[[:alpha:]-]+" "a-b")
]
