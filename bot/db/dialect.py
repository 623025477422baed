"""INSERT with ON CONFLICT, which SQLAlchemy spells per dialect; both databases have it."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession


def dialect_of(source: AsyncSession | AsyncConnection) -> str:
    """The database of a session or connection: "postgresql" or "sqlite"."""
    if isinstance(source, AsyncConnection):
        return source.dialect.name
    return source.get_bind().dialect.name


def insert_into(dialect: str, table: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into `table` that knows `on_conflict_do_nothing` / `_do_update`."""
    if dialect == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def insert(session: AsyncSession, table: Any) -> postgresql.Insert | sqlite.Insert:
    """`insert_into` for the session's database."""
    return insert_into(dialect_of(session), table)
