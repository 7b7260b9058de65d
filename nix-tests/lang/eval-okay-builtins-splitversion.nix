map builtins.splitVersion [ "1.2.3" "1.2pre3" "" "..." "1.0-rc1" "a1b2" "2.8.0pre20220311_d532269" "1..2" "-1" ]
