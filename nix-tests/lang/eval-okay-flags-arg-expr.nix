{ x, y }: [ x y ]
