# a lambda body extends as far to the right as possible
(x: x + 1 == 3) 2
