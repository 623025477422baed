"""PostgreSQL: a pooled connection proves it is alive with the BEGIN its transaction
sends anyway, sent when the pool hands the connection out instead of just before the
first statement.

A connection waiting in the pool may have lost its server: a restart, a failover or an
idle-connection killer ends the backend (pg_terminate_backend) and the pool does not
know. SQLAlchemy's pre-ping finds out with round trips of its own at every checkout
(BEGIN, an empty query, ROLLBACK), about 0.5 ms of the coach's CPU per transaction.
asyncpg's `is_closed()` costs nothing but comes too late: the backend exits a few
milliseconds after pg_terminate_backend returns, and a transaction started at once on
a connection that still looked open failed 39 times in 40. Only a round trip proves the
server is there, and BEGIN is one the transaction needs anyway.

When the BEGIN finds the connection closed, the pool replaces the connection and begins
again on the new one, so nobody notices. Any other failure propagates as pre-ping's did
(a partition that drops packets: the BEGIN times out after DATABASE_TIMEOUT). The few
connections switched to autocommit after checkout (locks held for a long time) roll the
BEGIN back, one round trip each.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection
from sqlalchemy.util import await_only


def begin_on_checkout(engine: AsyncEngine) -> None:
    """Start the transaction of every connection `engine` (asyncpg) hands out."""
    event.listen(engine.sync_engine, "checkout", _begin)


def _begin(
    dbapi_connection: Any, _record: ConnectionPoolEntry, _proxy: PoolProxiedConnection
) -> None:
    # SQLAlchemy's asyncpg adapter starts its transaction before the first statement
    # unless one is open; opened here, the statement sends no BEGIN of its own.
    try:
        await_only(dbapi_connection._start_transaction())
    except Exception as error:
        if dbapi_connection.driver_connection.is_closed():
            raise DisconnectionError("the server closed the connection") from error
        raise
