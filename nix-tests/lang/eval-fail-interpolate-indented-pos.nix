let
  l = [ 1 ];
in
''
  line one
    ${toString 1} then ${ l }
''
