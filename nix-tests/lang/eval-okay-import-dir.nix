# importing a directory imports its default.nix
import ./lib/dir
