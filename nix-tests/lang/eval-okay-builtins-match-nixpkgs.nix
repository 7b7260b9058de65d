# Patterns from nixpkgs lib (strings.nix, versions.nix, systems/parse.nix, modules).
let
  m = builtins.match;
in {
  versions = [
    (m "([0-9]+)\\.([0-9]+).*" "1.2.3")
    (builtins.splitVersion "1.2a-pre3")
    (m "([^.]+)(\\.[^.]+)*" "1.2.3.4")
    (m "^[0-9]+(\\.[0-9]+)*(pre|rc|alpha|beta)?[0-9]*$" "2.0.1rc1")
  ];
  systems = [
    (m "(.*)-(.*)-(.*)-(.*)" "x86_64-unknown-linux-gnu")
    (m "([^-]*)-([^-]*)(-([^-]*))?(-(.*))?" "aarch64-apple-darwin")
    (m "(eabi|eabihf|elf|gnu|gnueabi|gnueabihf|musl|musleabi|musleabihf)(.*)" "gnueabihf")
    (m "(armv[0-9]+[a-z]*|aarch64|x86_64|i[3-6]86)-(.*)" "armv7l-linux")
    (m "(.*)(-unknown|-pc)?-(linux|darwin)(-gnu|-musl)?" "x86_64-pc-linux-gnu")
  ];
  strings = [
    (m "[[:space:]]*(.*[^[:space:]])[[:space:]]*" "  hello world \n")
    (m "([^/]*)/(.*)" "nixpkgs/lib/default.nix")
    (m "(.*)\\.(tar\\.gz|tgz|tar\\.bz2|zip)" "src-1.0.tar.bz2")
    (m "^([^=]+)=(.*)$" "key=value=x")
    (m "(0|[1-9][0-9]*)" "0")
    (m "(0|[1-9][0-9]*)" "120")
    (m "-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?" "-1.5e10")
    (builtins.split "(,|;)[[:space:]]*" "a, b;c ,d")
    (builtins.split "\n" "line1\nline2\n")
    (m "([a-zA-Z_][a-zA-Z0-9_'-]*)|\"([^\"]*)\"" "\"quoted name\"")
    (m "[a-zA-Z_][a-zA-Z0-9_'-]*" "valid-id'")
    (m "(.*/)?([^/]+)" "/nix/store/abc-foo")
  ];
}
