let n = "n"; in [ ./a/${n} /x/${n}/y ]
