# The NixOS manual's option list sorted as nixpkgs 20.09's make-options-doc sorts it
# (nixos/lib/make-options-doc/default.nix): `lib.sort optionLess`, where `optionLess`
# compares the options' `loc` lists with `lib.compareLists` and a comparator built per
# call from `lib.splitByAndCompare` and `lib.hasPrefix` (written here as 20.09's lib
# writes them). About a quarter of a minimal NixOS system's evaluation is this sort of
# 9,600 options (0.8-0.9 of Nix's time, where the rest of the system is at 0.5). 12,000
# option records made with `//` as `optionsListDesc` makes them; the order is printed.
let
  inherit (builtins) head tail substring stringLength genList elemAt length sort filter;

  # lib/trivial.nix, lib/lists.nix, lib/strings.nix (20.09)
  compare = a: b:
    if a < b
    then -1
    else if a > b
         then 1
         else 0;
  splitByAndCompare = p: yes: no: a: b:
    if p a
    then if p b then yes a b else -1
    else if p b then 1 else no a b;
  compareLists = cmp: a: b:
    if a == []
    then if b == []
         then 0
         else -1
    else if b == []
         then 1
         else let rel = cmp (head a) (head b); in
              if rel == 0
              then compareLists cmp (tail a) (tail b)
              else rel;
  hasPrefix = pref: str: substring 0 (stringLength pref) str == pref;
  mod = a: b: a - a / b * b;
  optionalAttrs = cond: as: if cond then as else {};

  words = [ "services" "networking" "boot" "enable" "package" "enableIPv6" "packages"
    "users" "extraConfig" "settings" "port" "security" "programs" "openssh" "nginx"
    "virtualHosts" "systemd" "environment" "hardware" "i18n" "fileSystems" "enableSSL" ];
  word = i: elemAt words (mod i (length words));
  option = i: {
    loc = [ (word (i * 7)) (word (i * 13 + 3)) (word (i / 5)) ]
      ++ (if mod i 3 == 0 then [ (word i) ] else [ ]);
    name = "option${toString i}";
    description = "Option number ${toString i}.";
    declarations = [ "nixos/modules/m${toString (mod i 97)}.nix" ];
    visible = true;
    internal = false;
  }
  // optionalAttrs (mod i 2 == 0) { default = i; }
  // optionalAttrs (mod i 5 == 0) { example = "e${toString i}"; }
  // { type = "signed integer"; };
  options = filter (opt: opt.visible && !opt.internal) (genList option 12000);

  # nixos/lib/make-options-doc/default.nix (20.09)
  optionLess = a: b:
    let
      ise = hasPrefix "enable";
      isp = hasPrefix "package";
      cmp = splitByAndCompare ise compare
                              (splitByAndCompare isp compare compare);
    in compareLists cmp a.loc b.loc < 0;
  sorted = sort optionLess options;
in
{
  count = length sorted;
  first = map (o: o.name) (genList (elemAt sorted) 20);
  last = map (o: o.loc) (genList (i: elemAt sorted (11999 - i)) 5);
}
