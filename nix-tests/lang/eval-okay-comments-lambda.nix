(x/*c*/:/*c*/x) /* between function and argument */ 5
