"""Manyi pipelines: read, validate and load upload files into the warehouse."""
