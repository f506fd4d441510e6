"""Benchmarks (``make bench``); not imported by the product."""
