# + binds tighter than //
({ a = 1; } // { b = 1 + 2; }).b
