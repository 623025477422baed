"""/deletemydata against the emulator, on each database: nothing about the lifter remains."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.db.base import Base
from bot.db.models import Delivery, InboxUpdate, PlanSlot, RirCheck, Schedule
from tests.harness import LIFTER, BotHarness, texts

OTHER = 5151
STRONG = (Path(__file__).parents[1] / "coach" / "data" / "strong_comma.csv").read_bytes()

Snapshot = dict[str, Counter[tuple[Any, ...]]]


async def snapshot(bot: BotHarness) -> Snapshot:
    """Every row of every table but the inbox, which every update adds to (see below)."""
    async with bot.db.transaction() as session:
        return {
            table.name: Counter(tuple(r) for r in (await session.execute(select(table))).all())
            for table in Base.metadata.sorted_tables
            if table is not InboxUpdate.__table__
        }


async def inbox_chats(bot: BotHarness) -> Counter[int | None]:
    """How many updates of each chat the inbox holds."""
    async with bot.db.transaction() as session:
        return Counter(await session.scalars(select(InboxUpdate.chat_id)))


def about(rows: Snapshot, user: int) -> Snapshot:
    """The rows that mention `user`: by user id, or as a row of one of their workouts."""
    columns = {t.name: [c.name for c in t.columns] for t in Base.metadata.sorted_tables}

    def value(table: str, row: tuple[Any, ...], column: str) -> Any:
        return row[columns[table].index(column)] if column in columns[table] else None

    workouts = {
        value("workouts", r, "id")
        for r in rows["workouts"]
        if value("workouts", r, "user_id") == user
    }
    found: Snapshot = {}
    for table, counter in rows.items():
        found[table] = Counter(
            {
                r: n
                for r, n in counter.items()
                if value(table, r, "user_id") == user
                or (table == "users" and value(table, r, "id") == user)
                or value(table, r, "workout_id") in workouts
            }
        )
    return found


async def lift_everything(bot: BotHarness, user: int) -> None:
    """Give `user` a row in as many tables as the coach has: sets, loads, an import in
    waiting, a running rest timer, a plan change, a reminder schedule, a delivery and a
    reps-in-reserve check."""
    await bot.say("/workout", user)
    await bot.say("225x6 @2", user)
    await bot.say("/done", user)
    await bot.send_file("strong.csv", STRONG, user=user)
    await bot.say("/workout", user)
    await bot.say("235x6 @2", user)  # a set with its rest timer running
    now = bot.clock.now()
    async with bot.db.transaction() as session:
        session.add(
            PlanSlot(
                user_id=user,
                slot_key="traps",
                exercise_key="rear_lateral_raise",
                sets=3,
                rep_lo=10,
                rep_hi=12,
                rest_seconds=90,
            )
        )
        session.add(Schedule(user_id=user, days=0b10101, local_time=dt.time(18), time_zone="UTC"))
        session.add(
            RirCheck(
                user_id=user,
                exercise_key="chest_supported_row",
                performed_at=now,
                reps=10,
                predicted_rir=2,
                amrap_reps=14,
            )
        )
        session.add(
            Delivery(
                user_id=user, kind="reminder", local_day=now.date(), due_at=now, claimed_at=now
            )
        )


def job_names(bot: BotHarness) -> set[str]:
    assert bot.app is not None and bot.app.job_queue is not None
    return {job.name or "" for job in bot.app.job_queue.jobs()}


async def test_deletemydata_leaves_no_trace_and_spares_everyone_else(bot: BotHarness) -> None:
    await lift_everything(bot, LIFTER)
    await lift_everything(bot, OTHER)
    assert {f"rest:{LIFTER}", f"rest:{OTHER}"} <= job_names(bot)
    before = await snapshot(bot)
    mine = about(before, LIFTER)
    filled = {table for table, rows in before.items() if rows}
    assert {table for table, rows in mine.items() if rows} == filled  # the lifter is everywhere
    assert len(filled) >= 12, filled

    reply = await bot.say("/deletemydata")
    assert "can't be undone" in texts(reply)
    assert reply[-1].labels == ["Delete everything", "Keep my data"]
    assert await snapshot(bot) == before  # asking deletes nothing
    assert await bot.press("Delete everything") == []
    done = bot.emulator.messages(LIFTER)[-1].text or ""
    assert done.startswith("Done. I deleted everything I stored about you (2 workouts, 2 sets)")

    after = await snapshot(bot)
    for table, rows in after.items():
        assert not about(after, LIFTER)[table], table
        assert rows == before[table] - mine[table], table  # everyone else's rows, untouched
    assert f"rest:{LIFTER}" not in job_names(bot)
    assert f"rest:{OTHER}" in job_names(bot)
    kept = await inbox_chats(bot)  # the lifter's messages are gone from the inbox too
    assert LIFTER not in kept and kept[OTHER] == 6  # the other lifter's six, untouched

    assert "I don't store anything about you" in texts(await bot.say("/deletemydata"))
    assert "I'm your upper-back coach" in texts(await bot.say("/start"))  # a stranger again


async def test_keeping_the_data_or_someone_elses_press_deletes_nothing(bot: BotHarness) -> None:
    await lift_everything(bot, LIFTER)
    await bot.say("/start", OTHER)
    before = await snapshot(bot)
    question = (await bot.say("/deletemydata"))[-1]
    delete = question.buttons[0][0].data
    assert delete is not None
    await bot._settle(
        await bot.emulator.press(OTHER, question.message_id, delete, chat_id=LIFTER), LIFTER
    )
    assert bot.emulator.callback_answers[-1]["text"] == (
        "That button isn't for you. Nothing was changed."
    )
    await bot.press("Keep my data")
    assert bot.emulator.messages(LIFTER)[-1].text == "Okay, I kept everything."
    assert await snapshot(bot) == before
