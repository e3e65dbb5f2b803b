"""Privacy notices, consents and data requests."""
