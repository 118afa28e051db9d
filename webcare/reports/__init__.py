"""Response-time metrics, shared by the server endpoint, the CLI and the client."""
