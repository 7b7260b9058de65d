[ { } [ ] "" rec { } (let in 1) ]
