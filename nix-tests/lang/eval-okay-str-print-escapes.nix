# printing re-escapes quotes, backslashes, newlines, tabs, carriage returns and ${
[ "\"" "\\" "\n" "\t" "\r" "\${" "$" "{" "\$\{" ]
