[ (builtins.typeOf (./a + "b")) (builtins.isPath (/x + "/y")) ]
