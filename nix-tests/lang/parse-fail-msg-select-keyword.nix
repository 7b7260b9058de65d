a.then
