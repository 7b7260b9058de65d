# An operand of a long `||` chain that is not a Boolean is reported as it is met.
false || false || 1 || true
