# nixosConfigurations built with a small module system of the flake's own (the one in
# fixtures/hosts, with its toplevel.nix): each host's toplevel is a derivation named, as
# nixpkgs names it, after the host and a version from `self.lastModifiedDate` and
# `self.shortRev`.
mkdir -p top/modules
cp "$here"/../../fixtures/hosts/{lib,base,web,toplevel}.nix top/modules/
cat > top/flake.nix <<'NIX'
{
  description = "two hosts";
  outputs = { self }:
    let
      lib = import ./modules/lib.nix;
      versionSuffix = ".${builtins.substring 0 8 self.lastModifiedDate}.${self.shortRev or "dirty"}";
      host = name: extra: lib.evalModules {
        modules = [ ./modules/base.nix ./modules/web.nix ./modules/toplevel.nix extra ];
        args = { hostName = name; inherit versionSuffix; };
      };
    in {
      nixosConfigurations.alpha = host "alpha" { services.web.enable = true; };
      nixosConfigurations.beta = host "beta" { networking.firewall.allowedTCPPorts = [ 22 ]; };
      packages.x86_64-linux.default = self.nixosConfigurations.alpha.config.system.build.toplevel;
    };
}
NIX
new_repo top
