# `==` of sets forces the left set's `type` whenever it has one (Nix's
# `isDerivation(v1) && isDerivation(v2)`), the right one's only when the left is a
# derivation; `listToAttrs` reads `value` of the first element of each name alone.
let
  inherit (builtins) tryEval listToAttrs;
  bad = { type = throw "t"; };
in
{
  leftTypeForced = tryEval (bad == { });
  rightTypeNotForced = tryEval ({ } == bad);
  notADerivation = tryEval ({ type = "x"; } == bad);
  bothDerivations = tryEval ({ type = "derivation"; outPath = 1; } == { type = "derivation"; outPath = 1; b = throw "b"; });
  laterDuplicateNeedsNoValue = listToAttrs [ { name = "a"; value = 1; } { name = "a"; } { name = "b"; value = 2; } { name = "b"; } ];
  firstWins = listToAttrs [ { name = "z"; value = "first"; } { name = "y"; value = 0; } { name = "z"; value = throw "second"; } ];
}
