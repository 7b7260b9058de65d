import ./lib/mk.nix "env-strings" { empty = ""; quote = "say \"hi\""; esc = "a\\b"; nl = "line1\nline2\n"; tab = "a\tb"; cr = "a\rb"; dollar = "$out \${x}"; unicode = "héllo ✓ 日本"; }
