let {
  inner = let { a = 3; body = a + 1; };
  body = inner * 2;
}
