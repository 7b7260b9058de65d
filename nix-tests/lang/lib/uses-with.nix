with { w = "with in imported file"; }; w
