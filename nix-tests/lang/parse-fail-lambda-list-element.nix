[ x: x ]
