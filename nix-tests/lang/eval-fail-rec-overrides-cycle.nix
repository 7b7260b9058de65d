# An override that names an attribute whose own value reads the overridden one.
(rec { __overrides = { a = b; }; a = 1; b = a; }).b
