(args@{ a }: args) { }
