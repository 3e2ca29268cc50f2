"""Use cases that touch the database (the I/O edge around the pure domain logic)."""
