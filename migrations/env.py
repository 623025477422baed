"""Alembic environment: async, reads the same Settings as the bot.

Run through `coach db upgrade` (which hands over a connection) or the `alembic`
command line (which connects from `DATABASE_URL`).
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection

from bot.db import models  # noqa: F401  (registers the tables on the metadata)
from bot.db.base import Base, UTCDateTime
from bot.db.engine import make_engine

target_metadata = Base.metadata


def _render_item(kind: str, obj: Any, _context: Any) -> str | Literal[False]:
    """Write our UTC-aware column type as the plain SQL type it stores as."""
    if kind == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=_render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_from_settings() -> None:
    from bot.config import Settings

    url = context.config.get_main_option("sqlalchemy.url") or Settings().database_url
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
            await connection.commit()
    finally:
        await engine.dispose()


def run() -> None:
    """Use the caller's connection when given one, else connect from the settings."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
    else:
        asyncio.run(_run_from_settings())


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run `coach db upgrade`.")
run()
