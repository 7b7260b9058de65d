[ "plain" "with \"quotes\"" "esc \n \t \r \\ \$" "$" "$${x}" ]
