# tryEval only evaluates to weak head normal form
(builtins.tryEval [ (throw "inside") ]).success
