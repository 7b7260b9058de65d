with builtins; [ (length [ 1 2 3 ]) (head [ "a" ]) (typeOf 1) ]
