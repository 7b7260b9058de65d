# interpolated text is not subject to indentation stripping
let v = "  one\n    two"; in ''
    [${v}]
    end
''
