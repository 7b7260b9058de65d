# Tabs, carriage returns and newlines are whitespace.
	1
+2	+
3
