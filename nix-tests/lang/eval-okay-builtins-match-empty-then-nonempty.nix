# After an accepting path, a repeat never tries its lower-priority continuation, but an
# alternative still tries its right side, which wins if it is longer; `split` retries a
# non-empty match at the offset of an empty one before moving on.
{
  match = [
    (builtins.match "(a*)(a|b)*" "ab")
    (builtins.match "(a|b)*(b*)" "abbb")
    (builtins.match "(()|ab)(c*)" "abc")
    (builtins.match "(()|ab)*" "abab")
    (builtins.match "(a*)*(b)" "aab")
    (builtins.match "(|ab)*c" "ababc")
  ];
  split = [
    (builtins.split "()|a" "aa")
    (builtins.split "|ab" "abab")
    (builtins.split "(|b)(a*)" "baab")
    (builtins.split "a*" "baaac")
    (builtins.split "(a*)|b" "abc")
    (builtins.split "c*|(ab)+" "xababy")
    (builtins.split "$|a" "aa")
    (builtins.split "^|a" "aa")
  ];
}
