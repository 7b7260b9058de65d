# libstdc++ extended regexes allow `\` only before `.[\()*+?{|^$`: `\]` is invalid.
builtins.match "\\[ERROR\\]" "[ERROR]"
