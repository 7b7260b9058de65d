# a comment ending in CRLF
[ 1
# another
2 ]
