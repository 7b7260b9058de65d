# `01.5` lexes as the integer 01 followed by the float .5
[ 01.5 ]
