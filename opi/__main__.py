from opi.cli import app

app()
