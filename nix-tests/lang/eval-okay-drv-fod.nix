let mk = name: attrs: derivation ({ inherit name; system = "x86_64-linux"; builder = "/bin/sh"; } // attrs); in map (d: d.outPath) [
  (mk "f1" { outputHashAlgo = "sha256"; outputHash = "0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"; })
  (mk "f2" { outputHashMode = "recursive"; outputHash = "sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="; })
  (mk "f3" { outputHash = "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk="; })
  (mk "f4" { outputHashAlgo = "md5"; outputHash = "d41d8cd98f00b204e9800998ecf8427e"; })
  (mk "f5" { outputHashAlgo = "sha512"; outputHashMode = "recursive"; outputHash = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"; })
  (mk "f6" { outputHashAlgo = "sha256"; outputHash = "sha256:0mdqa9w1p6cmli6976v4wi0sw9r4p5prkj7lzfd1877wk11c9c73"; })
]
