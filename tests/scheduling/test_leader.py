"""One reminder fan-out at a time across workers (PostgreSQL advisory lock)."""

from __future__ import annotations

from sqlalchemy import text

from bot.db.engine import Database
from bot.scheduling.leader import fanout_lead


async def another_worker(db: Database) -> Database:
    """A second process's own engine on the same database (and schema)."""
    async with db.engine.connect() as connection:
        schema = str(await connection.scalar(text("SELECT current_schema()")))
    return Database.from_url(
        db.engine.url.render_as_string(hide_password=False),
        connect_args={"server_settings": {"search_path": schema}},
    )


async def test_one_worker_leads_the_fan_out_and_the_next_may_lead_after_it(
    db: Database,
) -> None:
    if db.is_sqlite:  # one process, which always leads
        async with fanout_lead(db) as leading:
            assert leading
        return
    other = await another_worker(db)
    try:
        async with fanout_lead(db) as first:
            assert first
            async with fanout_lead(other) as second:
                assert not second  # another worker's fan-out is under way
        async with fanout_lead(other) as second:
            assert second  # the lead was given back
    finally:
        await other.dispose()
