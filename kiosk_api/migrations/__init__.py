"""Alembic migrations of the kiosk database (the same scripts for SQLite and PostgreSQL)."""
