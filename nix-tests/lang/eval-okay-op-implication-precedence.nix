# -> binds looser than || and &&
[ (false || true -> false) (true -> false && false) ]
