# -x is sugar for 0 - x, so -0.0 prints as 0
[ (-0.0) (0.0 * -1) ]
