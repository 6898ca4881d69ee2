"""`python -m recruitwatch` runs the command line, as the `recruitwatch` script does."""

from recruitwatch.cli import app

app()
