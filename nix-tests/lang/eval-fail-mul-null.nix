2 * null
