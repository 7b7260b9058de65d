# Adding a built-in function to a number names the builtin, as `showType` does.
1 + builtins.map
