# `lib.systems`-shaped code, as the 2026 nixpkgs lib writes it: platforms checked against
# patterns with `matchAttrs` (dynamic names over `attrNames pattern`: `attrs ? ${n}`,
# `attrs.${n}`), predicates made per platform with `mapAttrs`, and option definitions of a
# few modules merged per name with `zipAttrsWith`, as the module system merges them.
let
  inherit (builtins) attrNames all isAttrs zipAttrsWith genList foldl' length elemAt filter attrValues mapAttrs;
  mod = a: b: a - a / b * b;
  matchAttrs = pattern: attrs:
    all (n: attrs ? ${n} && (let l = pattern.${n}; r = attrs.${n}; in
      if isAttrs l then isAttrs r && matchAttrs l r else l == r)) (attrNames pattern);
  cpus = [ { name = "x86_64"; bits = 64; } { name = "aarch64"; bits = 64; } { name = "i686"; bits = 32; }
    { name = "armv7l"; bits = 32; } { name = "riscv64"; bits = 64; } { name = "powerpc64le"; bits = 64; } ];
  kernels = [ { name = "linux"; execFormat = "elf"; } { name = "darwin"; execFormat = "macho"; }
    { name = "freebsd"; execFormat = "elf"; } { name = "netbsd"; execFormat = "elf"; } ];
  abis = [ "gnu" "musl" "gnueabihf" "android" ];
  platforms = genList (i: {
    parsed = { cpu = elemAt cpus (mod i 6); kernel = elemAt kernels (mod i 4); abi = { name = elemAt abis (mod i 3); }; };
    isStatic = mod i 7 == 0;
    system = "p${toString i}";
  }) 12000;
  patterns = {
    isLinux = { parsed = { kernel = { name = "linux"; }; }; };
    isDarwin = { parsed = { kernel = { name = "darwin"; }; }; };
    isx86_64 = { parsed = { cpu = { name = "x86_64"; }; }; };
    isAarch64 = { parsed = { cpu = { name = "aarch64"; }; }; };
    is64bit = { parsed = { cpu = { bits = 64; }; }; };
    isMusl = { parsed = { abi = { name = "musl"; }; }; };
    isElf = { parsed = { kernel = { execFormat = "elf"; }; }; };
    isStaticLinux = { isStatic = true; parsed = { kernel = { name = "linux"; }; }; };
  };
  predicates = p: mapAttrs (_: pattern: matchAttrs pattern p) patterns;
  checks = foldl' (acc: p: acc + length (filter (x: x) (attrValues (predicates p)))) 0 platforms;
  # each option defined by a few modules, zipped per name and summed
  defs = genList (i: [ { enable = i; port = 1; } { port = 2; extra = i; } { enable = 3; user = 4; } ]) 120000;
  merged = foldl' (acc: ds: acc + foldl' (a: v: a + v) 0
    (attrValues (zipAttrsWith (n: vs: foldl' (a: b: a + b) 0 vs) ds))) 0 defs;
in
{
  inherit checks merged;
}
