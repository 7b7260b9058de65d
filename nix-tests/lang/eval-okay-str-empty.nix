[ "" '''' (builtins.stringLength "") ]
