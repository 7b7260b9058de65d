{ p = ./sub/file; q = /root; }
