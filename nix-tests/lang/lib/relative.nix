# paths and imports inside an imported file are relative to that file
{ sibling = import ./simple.nix; self = ./relative.nix; sub = import ./dir; }
