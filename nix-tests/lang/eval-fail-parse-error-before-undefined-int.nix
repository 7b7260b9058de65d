# An integer too large is a parse error: reported before an earlier undefined variable.
[ x 99999999999999999999 ]
