# A function is checked when it is reduced, before the unexpected token after it.
({ a, a }: 1) then
