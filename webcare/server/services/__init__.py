"""Server use cases: each function is one transaction over the server database."""
