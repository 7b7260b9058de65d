let k = "k"; in { a.${k}.b = 1; a.${k}.c = 2; }
