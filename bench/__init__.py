"""Benchmark of the catalog at scale: `python -m bench --help` (or `make bench`). Prints figures, asserts nothing."""
