throw [ "a" ]
