"""Alembic migrations, shipped inside the package so `coach db upgrade` finds them."""
