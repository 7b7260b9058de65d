# Alternation, repetition and captures: nested groups, alternatives inside stars,
# optional groups, empty alternatives, bounds, anchors inside alternatives.
{
  match = [
    (builtins.match "((a|b)(c|d))+" "acbdad")
    (builtins.match "(a(b(c)?)?)*" "abcaba")
    (builtins.match "(a|(b))*c" "abac")
    (builtins.match "(a|(b))*c" "abbc")
    (builtins.match "(x)?(y)?z" "yz")
    (builtins.match "((x)|(y))?z" "z")
    (builtins.match "(a|)(b|)" "b")
    (builtins.match "(|a|b)(|a|b)" "ab")
    (builtins.match "(a{1,2}|b){2}" "aab")
    (builtins.match "(a{1,2}|b){2,}" "aaaab")
    (builtins.match "([a-c]|ab)*(c)" "abc")
    (builtins.match "(^a|b)+" "abb")
    (builtins.match "(a|b$)+" "ab")
    (builtins.match "(foo|foobar)(bar)?" "foobar")
    (builtins.match "(.*)(\\.tar\\.gz|\\.gz|\\.tar)" "x.tar.gz")
    (builtins.match "([^-]*-)*(.*)" "a-b-c")
    (builtins.match "(a|ab|abc)*" "abcab")
    (builtins.match "((a)|b)*" "ab")
    (builtins.match "a|b|" "")
    (builtins.match "(a)|b" "b")
  ];
  split = [
    (builtins.split "(a)|(b)" "xaybz")
    (builtins.split "(ab|a)(c|bc)" "abcabc")
    (builtins.split ",|, " "a, b,c")
    (builtins.split "(x|y)*" "axyb")
    (builtins.split "[0-9]+|[a-z]+" "ab12cd3")
  ];
}
