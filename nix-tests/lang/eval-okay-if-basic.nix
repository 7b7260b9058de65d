[ (if true then "yes" else "no") (if false then "yes" else "no") (if 1 == 1 then 1 else 2) ]
