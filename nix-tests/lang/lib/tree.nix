{
  top = {
    mid = {
      leaf = "leaf value";
      fun = { n ? 5 }: n * 2;
    };
    list = [ "zero" { one = 1; } ];
  };
  "quoted.name" = "q";
}
