assert { x = [ "a" ]; } == { x = [ "b" ]; }; 1
