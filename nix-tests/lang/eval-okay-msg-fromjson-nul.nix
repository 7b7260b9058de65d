builtins.fromJSON ''[ "x\u0000y" ]''
