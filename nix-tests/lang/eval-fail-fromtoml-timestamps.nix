# With the parse-toml-timestamps experimental feature (modern Nix), dates and times become
# { _type = "timestamp"; value = ...; }: `T` between date and time, seconds always, the
# fraction in 3, 6 or 9 digits, `Z` for UTC. Nix 2.8 has no such feature and fails.
builtins.fromTOML ''
  odt = 1979-05-27 07:32:00.5Z
  off = 1979-05-27T00:32:00.1234-07:00
  ldt = 1979-05-27t07:32:00
  ld = 1979-05-27
  lt = 07:32:00.123456789
''
