# list elements that are the same value in memory compare equal, even functions
let f = x: x; in [ f ] == [ f ]
