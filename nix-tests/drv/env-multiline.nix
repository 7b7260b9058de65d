import ./lib/mk.nix "env-multiline" { script = ''
  set -e
  echo "building $name"
  mkdir -p $out/bin
  cat > $out/bin/hello <<EOF
  #!/bin/sh
  echo hello
  EOF
''; }
