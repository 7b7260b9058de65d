# A repeated group whose body matched empty gets one more pass at the same position
# (libstdc++'s `_M_rep_once_more`), which shows in the captures.
{
  match = [
    (builtins.match "(a*)*" "aa")
    (builtins.match "(a*)*" "")
    (builtins.match "(a*)+" "aa")
    (builtins.match "(a*)+b" "aab")
    (builtins.match "(a*)?" "aa")
    (builtins.match "(a*){2}" "aa")
    (builtins.match "(a*){1,3}" "aaa")
    (builtins.match "((a)*)*" "aa")
    (builtins.match "(a?)*b" "aab")
    (builtins.match "(|a)*" "aa")
    (builtins.match "(a|)+b" "aab")
    (builtins.match "(()|a)*" "aa")
    (builtins.match "(a|())*" "aa")
    (builtins.match "(^|a)*" "aa")
    (builtins.match "(a*$)*" "aa")
  ];
  split = [
    (builtins.split "(a*)*" "baac")
    (builtins.split "(a?)+" "aba")
    (builtins.split "(b*)*c" "abbcc")
  ];
}
