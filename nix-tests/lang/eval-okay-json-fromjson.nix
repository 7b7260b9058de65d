builtins.fromJSON ''{ "a": [1, 2.5, -3, 1e3, 0.5e-1], "b": { "c": null, "d": true, "e": false }, "s": "x\ny\u00e9\"" }''
