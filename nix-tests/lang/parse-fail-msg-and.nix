&& true
