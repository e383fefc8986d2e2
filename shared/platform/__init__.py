"""What every service stands on: settings, database, messaging, auth, telemetry, HTTP."""
