[ (isNull null) (isNull 0) (isNull "") (builtins.isNull false) ]
