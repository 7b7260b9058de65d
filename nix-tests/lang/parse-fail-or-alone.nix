a: or
