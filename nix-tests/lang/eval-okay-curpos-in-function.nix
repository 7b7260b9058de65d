let f = x: __curPos; in (f 1).line
