1 /* not closed
