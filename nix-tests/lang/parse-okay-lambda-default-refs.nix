{ aaa ? 1, bbb ? aaa }: bbb
