# Without --strict the JSON printer forces nothing: an unevaluated attribute is an error.
{ a = 1; b = builtins.toString 2; }
