toString ./dir + "/file"
