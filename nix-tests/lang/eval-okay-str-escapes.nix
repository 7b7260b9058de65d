[ "a\nb" "tab\there" "cr\rx" "back\\slash" "quote\"d" "dollar\$" ]
