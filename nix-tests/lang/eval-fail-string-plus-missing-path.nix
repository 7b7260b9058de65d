# string + path needs to copy the path to the store, so it must exist
"" + ./does-not-exist
