builtins.langVersion + "x"
