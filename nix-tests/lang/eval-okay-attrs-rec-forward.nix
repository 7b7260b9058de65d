rec { x = y; y = z; z = "end"; }
