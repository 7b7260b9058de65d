# an assert is only checked when its value is needed
let x = assert false; 1; in "not needed"
