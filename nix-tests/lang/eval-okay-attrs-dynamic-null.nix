# a dynamic attribute whose name evaluates to null is skipped
{ ${null} = 1; a = 2; }
