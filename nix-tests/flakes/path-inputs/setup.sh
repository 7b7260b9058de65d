# A git flake with relative `path:` inputs inside it: a flake and a `flake = false` tree.
mkdir -p top/dep top/sub
cat > top/dep/flake.nix <<'NIX'
{ description = "dep"; outputs = { self }: { val = 42; lib.inc = x: x + 1; }; }
NIX
echo hello > top/sub/a
cat > top/flake.nix <<'NIX'
{
  description = "top";
  inputs.dep.url = "path:./dep";
  inputs.raw = { url = "path:./sub"; flake = false; };
  outputs = { self, dep, raw }: {
    x = dep.lib.inc dep.val;
    text = builtins.readFile "${raw}/a";
    info = {
      # Whether the inputs have their metadata: its values differ by design (Nix 2.8
      # copies a relative input to a store path of its own; modern Nix gives it the
      # declaring flake's source, `crates/cli/tests/flakes.rs`).
      dep = { hasNarHash = dep ? narHash; hasLastModified = dep ? lastModified; };
      raw = { hasNarHash = raw ? narHash; file = builtins.pathExists "${raw}/a"; };
      self = { inherit (self) narHash lastModified lastModifiedDate; hasRev = self ? rev; path = self.outPath; };
    };
  };
}
NIX
new_repo top
