# In a normal let, `body` is just an ordinary name.
let body = 5; other = body + 1; in { inherit body other; }
