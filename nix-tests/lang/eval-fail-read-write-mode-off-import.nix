# `import` of a copied source in --eval without --read-write-mode: the copy is not valid.
import "${./eval-fail-read-write-mode-off-import.nix}"
