# Which operand of a strict operator is evaluated and checked first, where both fail or
# the left one runs code: caught failures show which error came first.
let
  inherit (builtins) tryEval;
  ok = e: (tryEval e).success;
  s = { __toString = self: "s"; };
  t = { outPath = "/out"; };
in
{
  # the left operand's __toString runs before the right operand: the right one's throw is caught
  addSet = ok (s + throw "r");
  addSetOk = s + "x";
  addOutPath = t + "/sub";
  addChain = "a" + s + t + "b";
  addNumbers = tryEval (1 + throw "r");
  addPathLeft = tryEval (./. + throw "r");
  addStringLeft = tryEval ("a" + throw "r");
  updateSet = tryEval ({ a = 1; } // throw "r");
  updateChain = ({ a = 1; } // { b = 2; } // { c = 3; } // { a = 4; });
  concatRightFirst = tryEval (1 ++ throw "r");
  subBoth = tryEval (throw "l" - throw "r");
  bitOk = [ (builtins.bitAnd 12 10) (builtins.bitOr 12 10) (builtins.bitXor 12 10) ];
  bitSecond = tryEval (builtins.bitXor 1 (throw "r"));
  lessBoth = tryEval ([ ] < throw "r");
}
