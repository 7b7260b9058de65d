let
  dir = "d";
in
./a/${dir}/${{ }}
