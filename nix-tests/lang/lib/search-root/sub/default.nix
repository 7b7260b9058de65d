{ deep = true; }
