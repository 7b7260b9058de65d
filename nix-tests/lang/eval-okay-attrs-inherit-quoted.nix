let "x y" = 5; in { inherit "x y"; }
