# ! binds tighter than == and &&, looser than ? and +
[ (!true == false) (! { a = 1; } ? a) (!false && false) (!true || true) ]
