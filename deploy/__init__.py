"""Deployment profiles beyond the embedded default (`./scripts/start --province`)."""
