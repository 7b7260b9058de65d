# Values tested against string literals, as nixpkgs and NixOS code tests tags, types,
# systems and option values: a classifier written as a long `if x == "..." then ... else
# if ...` chain (as `lib.systems` parses names and modules map enum values), `_type`
# checks of module-system wrappers (`x._type or "" == "if"`), `||` chains over system
# names, and `!=` filters. Each `==` against a literal went through the general `==`
# and a nested `eval` for the literal and for the comparison: 1.4x Nix's time on the
# chain.
let
  inherit (builtins) genList foldl' filter length elemAt;
  names = [ "x86_64-linux" "aarch64-linux" "i686-linux" "armv7l-linux" "riscv64-linux"
    "x86_64-darwin" "aarch64-darwin" "x86_64-freebsd" "powerpc64le-linux" "mipsel-linux" ];
  classify = s:
    if s == "x86_64-linux" then 1
    else if s == "aarch64-linux" then 2
    else if s == "i686-linux" then 3
    else if s == "armv7l-linux" then 4
    else if s == "riscv64-linux" then 5
    else if s == "x86_64-darwin" then 6
    else if s == "aarch64-darwin" then 7
    else if s == "x86_64-freebsd" then 8
    else if s == "powerpc64le-linux" then 9
    else 0;
  isLinux = s: s == "x86_64-linux" || s == "aarch64-linux" || s == "i686-linux"
    || s == "armv7l-linux" || s == "riscv64-linux" || s == "powerpc64le-linux" || s == "mipsel-linux";
  systems = genList (i: elemAt names (i - i / 10 * 10)) 300000;
  classified = foldl' (acc: s: acc + classify s) 0 systems;
  linux = length (filter isLinux systems);
  # module-system wrappers, unwrapped by their tag
  mkIf = cond: content: { _type = "if"; inherit cond content; };
  mkOverride = priority: content: { _type = "override"; inherit priority content; };
  defs = genList (i: if i / 3 * 3 == i then mkIf true i else if i / 3 * 3 + 1 == i then mkOverride 100 i else i) 300000;
  unwrap = d: if d._type or "" == "if" then d.content else if d._type or "" == "override" then d.content else d;
  unwrapped = foldl' (acc: d: acc + unwrap d) 0 defs;
  plain = length (filter (d: d._type or "" != "if" && d._type or "" != "override") defs);
in
{
  inherit classified linux unwrapped plain;
}
