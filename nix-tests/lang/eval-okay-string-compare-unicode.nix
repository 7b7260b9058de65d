# strings compare by bytes
[ ("é" > "z") ("Z" < "a") ("aé" < "b") ]
