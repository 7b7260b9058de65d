# Integers within a double's precision come back as they are; halves round outwards.
[ (builtins.floor 9007199254740992) (builtins.ceil (-9223372036854775807 - 1)) (builtins.ceil 2.5) (builtins.floor (-2.5)) (builtins.floor 3) ]
