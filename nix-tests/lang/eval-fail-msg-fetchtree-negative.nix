builtins.fetchTree { type = "git"; url = "file:///nonexistent"; revCount = -1; }
