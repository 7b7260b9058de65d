{ name = "other"; here = ./.; }
