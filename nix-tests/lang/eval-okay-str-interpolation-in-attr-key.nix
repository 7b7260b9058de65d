let k = "key"; in { "${k}-1" = 1; "pre-${k}" = 2; }
