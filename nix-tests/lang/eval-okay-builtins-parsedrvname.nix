map builtins.parseDrvName [ "nix-2.8.0" "foo-bar-1.0" "foo" "foo-" "-1.0" "foo-bar" "foo-1-2" "foo--1" "a-b2c" "" "foo-1.0-bar" "x-_1" ]
