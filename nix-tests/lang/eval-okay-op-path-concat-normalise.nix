# the result of path + string is normalised
[ (./a + "/../b") (/x + "/./y") (/x + "//y") ]
