"""Request and response models of the HTTP API (Pydantic 2), one module per domain."""
