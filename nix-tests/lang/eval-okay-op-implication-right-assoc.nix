# -> is right-associative: false -> false -> false = false -> (false -> false)
[ (false -> false -> false) ((false -> false) -> false) ]
