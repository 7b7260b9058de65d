[ <nixpkgs> <nixpkgs/lib> <a.b-c_d> ]
