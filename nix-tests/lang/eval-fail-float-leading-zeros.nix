# `00.5` lexes as 0 applied to 0.5
00.5
