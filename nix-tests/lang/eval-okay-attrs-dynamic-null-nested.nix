{ a.${null} = 1; b = 2; }
