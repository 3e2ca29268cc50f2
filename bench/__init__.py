"""Benchmarks that print numbers; run each from the repository as a module: .venv/bin/python -m bench.NAME."""
