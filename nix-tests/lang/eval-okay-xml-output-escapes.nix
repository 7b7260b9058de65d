[ "<tag attr=\"v\"> & 'q'" "line\nbreak" ]
