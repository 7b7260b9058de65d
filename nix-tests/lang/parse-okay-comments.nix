# line comment
/* block
   comment */ { /* inside */ a # trailing
  = /* before value */ 1; /**/ b = 2; # last
} # end
