# Regular expressions as nixpkgs uses them, over many distinct patterns: `lib.hasInfix`
# (`match ".*${escapeRegex infix}.*"`) for thousands of names, version and file-name
# patterns with groups built per package (`([a-z]+)-N-([0-9]+)\.(tar|zip)`), `split` on
# separators, and `escapeRegex` itself (`replaceStrings` over the special characters).
let
  inherit (builtins) genList match split length filter toString elemAt replaceStrings
    concatStringsSep foldl';
  escapeRegex = replaceStrings
    [ "\\" "[" "{" "(" ")" "^" "$" "|" "." "?" "*" "+" ]
    [ "\\\\" "\\[" "\\{" "\\(" "\\)" "\\^" "\\$" "\\|" "\\." "\\?" "\\*" "\\+" ];
  hasInfix = infix: content: match ".*${escapeRegex infix}.*" "\n${content}\n" != null;
  hasSuffix = suffix: s: match ".*${escapeRegex suffix}" s != null;

  haystack = concatStringsSep " " (genList (i: "lib${toString (i * 7)}.so") 300);
  names = genList (i: "lib${toString i}.so") 12000;
  infixes = length (filter (n: hasInfix n haystack) names);
  suffixes = length (filter (n: hasSuffix "${toString (n / 3)}.tar.gz" "pkg-${toString n}.tar.gz") (genList (i: i) 12000));

  versioned = genList (i: {
    pattern = "([a-z]+)-${toString i}-([0-9]+)\\.(tar|zip)";
    file = "pkg-${toString i}-${toString (i * 3)}.${if i / 2 * 2 == i then "tar" else "zip"}";
  }) 6000;
  groups = foldl' (n: v: let m = match v.pattern v.file; in n + (if m == null then 0 else length m)) 0 versioned;

  fields = genList (i: split "[,;]" "a${toString i},b;c,${toString i};d") 6000;
  splits = foldl' (n: l: n + length l) 0 fields;
in
{ inherit infixes suffixes groups splits; }
