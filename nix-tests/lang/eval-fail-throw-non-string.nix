throw 42
