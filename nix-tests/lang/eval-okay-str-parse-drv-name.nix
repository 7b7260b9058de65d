[ (builtins.parseDrvName "hello-2.10") (builtins.parseDrvName "nix-unstable-2021") (builtins.parseDrvName "foo") (builtins.parseDrvName "a-b-1.0-rc") ]
