# Left-nested `||` and `&&` chains stop at the first operand that decides them.
let f = x: x; in
[
  (false || f false || true || throw "not reached")
  (true && f true && false && throw "not reached")
  (false || false || f false)
  (true && true && f true)
  (false || (true && false) || (false -> false))
]
