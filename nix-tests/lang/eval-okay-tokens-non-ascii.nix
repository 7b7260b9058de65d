# The tokenizer reads ASCII as bytes and decodes other characters: non-ASCII text next to
# every kind of token must keep its bytes and the offsets after it.
let
  # ünïcödé in a comment before a binding
  a = "é${"ü"}ß"; /* ∀ x ∈ ℕ */ b = ''
    ☃ ''${not} '''ñ''' ${a}
    λ→ ''\t end
  '';
  c = "tab\tnew\nline ∞ \${x} $$ ñ$";
  d = builtins.stringLength "日本語";
  e = builtins.substring 1 4 "ü-x-ä";
  f = http://ex.am/ple?q=1;
  g = builtins.match "(.*)ö(.*)" "aöb";
  h = { "ключ" = 1; ascii = 2; }."ключ";
  i = ./a/b/c;
in
[ a b c d e f g h (baseNameOf i) (builtins.toJSON { "ü" = "ö"; }) ]
