map (f: f 2) [ (x: x + 1) (x: x * x) (x: "ignored") ]
