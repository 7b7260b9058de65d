({ z, a, m }: [ z a m ]) { m = "m"; a = "a"; z = "z"; }
