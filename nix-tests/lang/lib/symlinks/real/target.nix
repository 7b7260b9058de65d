{ id = x: x; here = ./.; }
