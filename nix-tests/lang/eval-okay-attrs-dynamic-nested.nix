let k = "k"; in { a.${k}.b = 1; a.c = 2; }
