# Naive doubly-recursive Fibonacci.
# Measures: lambda application, integer arithmetic, `<`, if/then/else and
# thunk creation/forcing in a deep, call-heavy recursion (~4.3M calls).
let
  fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2);
in
fib 31
