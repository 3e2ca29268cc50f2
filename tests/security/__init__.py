"""Abuse tests: each finding of the security probe replayed against the service."""
