"""Event contracts: payloads, CloudEvent types and topic names, the one source of truth."""
