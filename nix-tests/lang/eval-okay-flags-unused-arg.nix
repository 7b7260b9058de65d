# --arg values that the function does not take are ignored
{ a ? 1 }: a
