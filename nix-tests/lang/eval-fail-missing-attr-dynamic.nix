{ a = 1; }.${"dyn" + "amic"}
