let
  # CRLF line ends
  a = 1; # one
  s = "x
y";
  t = ''
    indented
  '';
in [ a s t ]
