"${/* c */ "a" /* c */}${ # line comment
  "b"
}"
