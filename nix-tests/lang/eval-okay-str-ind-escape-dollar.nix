let x = "X"; in ''
  ''${x} is literal, ${x} is interpolated, $x and $ are plain
''
