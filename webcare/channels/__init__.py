"""Channel connectors: one module per source behind the small protocol in ``base``."""
