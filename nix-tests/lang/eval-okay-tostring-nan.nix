# `toString` of special floats is C++'s std::to_string: "-nan"/"nan", "inf"/"-inf".
let inf = 1.0e308 * 10; nan = 0.0 * inf; in
[ (toString nan) (toString (-nan)) (toString inf) (toString (-inf)) (toString 1.5) "${toString nan}" ]
