"""Synthetic children for tests, benchmarks and demonstrations.

- ``population``: per-country distributions of arrivals (sources in ``SOURCES.md``).
- ``stream``: a deterministic national event stream with its ground truth, no service needed.
- ``live``: drives the running intake and referral services over HTTP (``opi simulate``).
"""
