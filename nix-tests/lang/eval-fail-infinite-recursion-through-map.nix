# As through mapAttrs: the position is the definition of the attribute map selects.
let opt = { value = builtins.head cfg + 1; }; cfg = map (v: v.value) [ opt ]; in builtins.head cfg
