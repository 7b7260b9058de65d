let x = 2; in let y = 3; in let x-y = 1; in [ x-y (x - y) (x -y) ]
