{ s, t ? "default" }: "${s}-${t}"
