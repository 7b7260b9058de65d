builtins.fetchTree { type = "git"; url = "file:///nonexistent"; submodules = [ ]; }
