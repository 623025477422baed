"""One transaction on a Core connection, with an ORM session only for what needs one.

A workout step reads and writes plain rows with prebuilt Core statements
(`bot.db.rows`). An ORM session costs CPU even unused (about 0.1 ms to create, 0.2 ms
more per transaction than a bare connection, measured on both databases), so the
session is made on first use, for the rarer paths that work with entities (a first
contact, another feature's pending question, a new workout's plan). It joins the
connection's transaction: whatever it holds is flushed before the commit.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession


class Work:
    """The connection of one transaction, and its session once something asks for it."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self._session: AsyncSession | None = None

    @property
    def session(self) -> AsyncSession:
        """An ORM session in this transaction (made on first use; it never commits)."""
        if self._session is None:
            self._session = AsyncSession(bind=self.connection, expire_on_commit=False)
        return self._session

    async def flush(self) -> None:
        """Write what the session holds, ahead of the commit."""
        if self._session is not None:
            await self._session.flush()

    async def close(self) -> None:
        """Let the session go; the connection's transaction is the caller's to end."""
        if self._session is not None:
            await self._session.close()
            self._session = None
