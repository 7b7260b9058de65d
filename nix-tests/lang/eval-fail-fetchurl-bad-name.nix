# The store path name is checked before fetching (modern Nix); Nix 2.8 tries the URL first.
builtins.fetchurl "file:///nonexistent/~x~"
