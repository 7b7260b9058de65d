# Patterns that are literals, maybe between `.*`s (what `lib.hasInfix` builds), matched
# by comparing bytes: the results must be the regex's.
let
  subjects = [ "" "a" "a.b" "axb" "ab" "b.a" "x\ny" "$a^" "a\\b" "(a)" ".*" "abab" "\n" ];
  patterns = [
    "" "a" ".*" ".*.*" "a.*" ".*a" ".*a.*" "a\\.b" ".*a\\.b.*" "\\.*" "a\\.*" ".*\\.*"
    "\\$a\\^" ".*\\$.*" "a\\\\b" ".*\\\\.*" "\\(a\\)" ".*\\(.*" "ab.*ab" ".*b.*a.*"
    "x\ny" ".*\n.*" "\n" ".*ba.*" "\\*" "\\+" "\\?" "\\{" "\\|" "\\[" ".*\\..*"
  ];
in
map (p: map (s: builtins.match p s) subjects) patterns
