# A duplicate formal is a parse error: reported before an earlier undefined variable.
[ x ({ a, a }: 1) ]
