# `#` starts a comment even inside what looks like a URI
[ https://a.b/c#fragment ]
