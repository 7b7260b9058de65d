<this-does-not-exist>
