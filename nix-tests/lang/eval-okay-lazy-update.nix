(({ a = throw "left"; } // { a = 1; b = throw "unused"; })).a
