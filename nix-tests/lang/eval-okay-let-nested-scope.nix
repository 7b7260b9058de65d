let x = 1; in [ x (let y = x + 1; x = 5; in x + y) x ]
