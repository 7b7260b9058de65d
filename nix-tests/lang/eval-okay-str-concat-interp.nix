let a = "A"; in "${a}" + "${a}b" + "c${a}"
