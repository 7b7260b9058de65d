let x = [ x ]; y = [ y ]; in x < y
