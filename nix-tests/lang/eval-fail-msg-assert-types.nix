assert true == null; 1
