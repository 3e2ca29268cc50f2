"""Tests of the procedure catalogue."""
