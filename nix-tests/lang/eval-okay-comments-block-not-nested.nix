# block comments do not nest: the first */ ends the comment
[ /* outer /* inner */ 1 ]
