# --arg is ignored when the expression is not a function
"plain"
