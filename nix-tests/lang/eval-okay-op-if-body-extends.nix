# else branch extends as far right as possible
[ (if false then 1 else 2 + 3) (if true then 1 else 2 + 3) ]
