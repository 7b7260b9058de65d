{ name ? "from-default" }: import ./lib/mk.nix name {}
