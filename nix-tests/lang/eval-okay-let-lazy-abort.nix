let unused = abort "never"; in "fine"
