[ (import ./lib/formals.nix { a = 10; }) (import ./lib/formals.nix { b = 5; c = "ignored"; }) ]
