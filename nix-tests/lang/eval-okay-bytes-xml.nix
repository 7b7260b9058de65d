# `--xml` writes strings' bytes as they are, valid UTF-8 or not.
let
  s = builtins.readFile ./lib/bytes/latin1.txt;
in
{
  inherit s;
  cut = builtins.substring 0 2 "é!";
  list = [ (builtins.substring 1 1 "é") "ok" ];
  ${"key"} = builtins.substring 3 1 s;
}
