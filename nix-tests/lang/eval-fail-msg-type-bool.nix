if { a = 1; } then 1 else 2
