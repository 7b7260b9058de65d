# A byte order mark is read by nlohmann, so its three bytes count in the column.
builtins.fromJSON "﻿[1,]"
