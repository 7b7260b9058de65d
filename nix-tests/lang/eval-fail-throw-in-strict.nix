# --strict forces nested values
{ a = 1; b = [ (throw "nested error") ]; }
