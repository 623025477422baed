"""A database call that hangs (a stuck transaction, a lock never released) costs the
lifters behind it a few seconds and a "try again", never their reply."""

from __future__ import annotations

from sqlalchemy import text

from bot.processing import DEFAULT_CONCURRENCY
from bot.texts import common as common_texts
from tests.hardening.conftest import wait_handled
from tests.harness import LIFTER, BotHarness, texts


async def test_a_stuck_transaction_holds_no_lifter_for_long(bot: BotHarness) -> None:
    """One transaction hangs holding the database (on SQLite, this process's turn; on
    PostgreSQL, a lock every update needs): each lifter waiting behind it, more than
    there are processing slots, hears "try again" once the database timeout is up, and
    is served once it lets go."""
    lifters = range(LIFTER, LIFTER + DEFAULT_CONCURRENCY + 2)
    async with bot.db.transaction() as stuck:
        if not bot.db.is_sqlite:
            await stuck.execute(text("LOCK TABLE users IN ACCESS EXCLUSIVE MODE"))
        sent = [await bot.emulator.send_text(user, "/workout") for user in lifters]
        # On SQLite the inbox waits its turn too: one timeout to store the batch (it is
        # handled anyway), then the handlers' own, two rounds of slots.
        for update_id in sent:
            await wait_handled(bot, update_id, limit=4 * bot.db.timeout)
        for user in lifters:
            assert texts(bot.new_messages(user)) == common_texts.DB_UNAVAILABLE
    assert "What weight" in texts(await bot.say("/workout"))
