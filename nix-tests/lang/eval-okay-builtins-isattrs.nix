[ (builtins.isAttrs { }) (builtins.isAttrs [ ]) (builtins.isAttrs null) ]
