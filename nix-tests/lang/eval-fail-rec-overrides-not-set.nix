# `__overrides` must be a set: it is forced when the rec set is made.
(rec { __overrides = [ ]; a = 1; }).a
