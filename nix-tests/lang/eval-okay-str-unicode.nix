[ "héllo" "日本語" "emoji 🎉" (builtins.stringLength "é") (builtins.stringLength "日本語") ]
