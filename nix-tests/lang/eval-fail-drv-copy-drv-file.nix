"${./lib/x.drv}"
