let k = "dyn"; in (rec { ${k} = 1; other = 2; }).dyn
