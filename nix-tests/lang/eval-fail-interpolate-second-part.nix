let
  x = { };
in
"prefix ${"ok"} and ${x} suffix"
