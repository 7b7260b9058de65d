throw "my custom message"
