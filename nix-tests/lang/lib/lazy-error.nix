{ ok = "fine"; bad = throw "error inside imported file"; }
