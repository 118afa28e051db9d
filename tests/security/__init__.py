"""Security tests: fuzzing, malformed payloads, untrusted text, roles, tokens, TLS, keyring."""
