"""Persistence: models, the engine, migrations helpers and repositories."""
