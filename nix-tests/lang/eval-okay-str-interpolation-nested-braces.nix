"${ let s = { a = "}"; }; in s.a }"
