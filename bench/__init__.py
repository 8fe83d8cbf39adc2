"""Benchmarks of Manyi against DuckDB alone and a pandas script (`make bench`)."""
