# A version-5 lock file, which kept `narHash` and `lastModified` in `info`: Nix merges
# `info` into `locked`, uses it as it is, and leaves the file alone.
W=$PWD
mkdir -p a f
echo '{ outputs = { self }: { v = "a"; }; }' > a/flake.nix
echo "{ inputs.a.url = \"path:$W/a\"; outputs = { self, a }: { v = a.v; }; }" > f/flake.nix
fix_mtimes a
# narHash: `nix hash path a` of the folder above (content and mtimes are fixed).
cat > f/flake.lock <<JSON
{"nodes":{"a":{"info":{"lastModified":1600000000,"narHash":"sha256-627K0wvHkZLtGiKSQbuex7E1kwRRnsa2o0VzCJGRPD4="},"locked":{"path":"$W/a","type":"path"},"original":{"path":"$W/a","type":"path"}},"root":{"inputs":{"a":"a"}}},"root":"root","version":5}
JSON
