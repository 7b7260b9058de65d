# __toString takes precedence over outPath
"${{ __toString = self: "ts"; outPath = "/op"; }}"
