"""The ``opi`` command: run a service in production, a whole country in development, tokens."""
