if builtins ? break then [ (builtins.break 1) (builtins.break "s") ] else "break is missing"
