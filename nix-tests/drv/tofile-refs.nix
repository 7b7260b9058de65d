let
  a = builtins.toFile "a.txt" "A";
  src = ./src/hello.txt;
  b = builtins.toFile "b.sh" "cat ${a} ${src}";
in import ./lib/mk.nix "tofile-refs" { script = b; }
