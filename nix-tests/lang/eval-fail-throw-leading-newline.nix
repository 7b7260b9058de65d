let
  failed = [ "first" "The password hash contains a \":\" character.\nPlease check it." ];
in
throw "\nFailed assertions:\n${builtins.concatStringsSep "\n" (map (x: "- ${x}") failed)}  \n\n  unreached \n"
