# an unknown escape yields the character itself
[ "\a\q\z\0" "\'" ]
