{ a = { b = { c = "selected"; }; }; other = throw "not evaluated"; }
