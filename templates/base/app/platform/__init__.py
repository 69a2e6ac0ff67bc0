"""Managed by create-fly-fastapi: `--update` rewrites it, merging your edits three-way.

This package holds what the generator's options add to the app, so that switching an option
later (Postgres, more regions) changes this package and never the files that are yours:
`settings.py` the settings the platform reads, `wiring.py` what it adds to the app and its
lifespan, `testing.py` what a test needs to start the app.
"""
