let outer = 10; in ({ a ? outer * 2 }: a) { }
