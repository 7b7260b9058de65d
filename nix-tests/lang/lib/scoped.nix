{ a = x + y; b = builtins.length list; c = map (v: v * 2) list; }
