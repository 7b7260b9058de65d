[ (placeholder "out") (placeholder "dev") (placeholder "") (builtins.placeholder "bin") ]
