# libstdc++'s POSIX mode tries both sides of every `|` and keeps the longest match,
# with the captures of the first path that reached that length.
{
  split = [
    (builtins.split "a|ab" "xabx")
    (builtins.split "a|ab|abc" "abcabxa")
    (builtins.split "(a|ab)(c|bcd)?" "abcd abc")
    (builtins.split "x*|b" "abc")
    (builtins.split "(|a)" "aa")
    (builtins.split "b|" "abba")
  ];
  match = [
    (builtins.match "(a|ab)(c|bcd)(d*)" "abcd")
    (builtins.match "(a|ab)(bc|c)" "abc")
    (builtins.match "(ab|a)(bc|c)" "abc")
    (builtins.match "(a*)(ab)*(b*)" "abb")
    (builtins.match "((a)|(a)b)*" "aab")
    (builtins.match "(x|xy)(y|)" "xy")
    (builtins.match "(a|b)*" "abab")
    (builtins.match "((a)|(b))*" "ab")
    (builtins.match "((a)|(b))*" "ba")
  ];
}
