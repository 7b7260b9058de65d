let unused = throw "never"; used = 3; in used
