# merging { } written as rec
{ a = rec { x = 1; y = x; }; a.z = 3; }
