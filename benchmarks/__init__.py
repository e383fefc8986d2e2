"""Benchmarks of the OPI platform; run them with ``python -m benchmarks`` (``make bench``)."""
