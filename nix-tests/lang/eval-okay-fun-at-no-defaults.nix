# the @-bound name holds the actual argument, without defaults filled in
(args@{ a ? 1, b ? 2 }: [ (args ? a) (args ? b) a b ]) { b = 3; }
