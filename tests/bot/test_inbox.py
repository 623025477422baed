"""The inbox: stored before confirmed, a redelivery gets no second reply, a reused id
after the window is a new message, and old rows are pruned, on each database."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import ExecutionContext
from telegram import Bot, Update

from bot.app import inbox_of, processor_of
from bot.clock import Clock
from bot.db import inbox as repo
from bot.db.engine import Database
from bot.db.models import InboxUpdate, WorkoutSet
from bot.localapi import Fault
from bot.pipeline.inbox import Inbox
from tests.harness import LIFTER, TEST_TOKEN, BotHarness, texts
from tests.scheduling.test_leader import another_worker

NOW = dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC)


def arrivals(*ids: int) -> list[repo.Arrival]:
    return [repo.Arrival(i, LIFTER, f'{{"update_id": {i}}}') for i in ids]


async def test_a_batch_is_stored_once_and_a_redelivery_is_not_new(db: Database) -> None:
    async with db.transaction() as session:
        assert await repo.store(session, arrivals(1, 2, 3), NOW, None) == {1, 2, 3}
    later = NOW + dt.timedelta(hours=23)
    async with db.transaction() as session:
        assert await repo.store(session, arrivals(2, 3, 4), later, None) == {4}
    async with db.transaction() as session:
        assert [p.update_id for p in await repo.pending(session)] == [1, 2, 3, 4]
        await repo.mark_done(session, [1, 3], later)
    async with db.transaction() as session:
        assert [p.update_id for p in await repo.pending(session)] == [2, 4]


async def test_an_id_reused_after_the_window_is_a_new_update(db: Database) -> None:
    async with db.transaction() as session:
        await repo.store(session, arrivals(7), NOW, None)
        assert await repo.claim_update(await session.connection(), 7, LIFTER, NOW)
        await repo.mark_done(session, [7], NOW)
    async with db.transaction() as session:
        assert not await repo.claim_update(
            await session.connection(), 7, LIFTER, NOW
        )  # a replay: changes nothing
    reused = NOW + repo.REDELIVERY_WINDOW + dt.timedelta(minutes=1)
    async with db.transaction() as session:
        assert await repo.store(session, arrivals(7), reused, None) == {7}
    async with db.transaction() as session:
        assert [p.update_id for p in await repo.pending(session)] == [7]
        assert await repo.claim_update(
            await session.connection(), 7, LIFTER, reused
        )  # its change counts


async def test_pruning_deletes_old_handled_rows_in_batches_and_keeps_the_rest(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(repo, "PRUNE_BATCH", 3)
    old = NOW - repo.REDELIVERY_WINDOW - dt.timedelta(minutes=1)
    async with db.transaction() as session:
        await repo.store(session, arrivals(*range(1, 11)), old, None)
        await repo.mark_done(session, list(range(1, 10)), old)  # 10 is still unhandled
        await repo.store(session, arrivals(11, 12), NOW, None)
        await repo.mark_done(session, [11, 12], NOW)
    assert await Inbox(db, clock=FixedClock()).prune() == 9
    async with db.transaction() as session:
        kept = await session.scalars(select(InboxUpdate.update_id).order_by("update_id"))
        assert list(kept) == [10, 11, 12]


class FixedClock(Clock):
    def now(self) -> dt.datetime:
        return NOW


async def test_a_redelivered_update_gets_no_second_reply(bot: BotHarness) -> None:
    await bot.say("/workout")
    await bot.say("225")
    logged = await bot.emulator.send_text(LIFTER, "225x6 @2")
    await bot._settle(logged, LIFTER)
    done = await bot.emulator.send_text(LIFTER, "/done")
    assert "Workout done" in texts(await bot._settle(done, LIFTER))
    await bot.emulator.redeliver(logged)
    await bot.emulator.redeliver(done)  # once: "You have no workout going"
    reply = texts(await bot.say("/history"))  # answered after both redeliveries
    assert reply.startswith("Your workouts")
    assert bot.new_messages() == []
    assert len(bot.emulator.messages(LIFTER)) == 5  # 4 answers and the history, nothing else
    async with bot.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(WorkoutSet)) == 1


async def test_an_update_id_telegram_reuses_after_a_day_is_answered(bot: BotHarness) -> None:
    update_id = await bot.emulator.send_text(LIFTER, "/start")
    assert await bot._settle(update_id, LIFTER)
    bot.clock.advance(repo.REDELIVERY_WINDOW + dt.timedelta(hours=1))
    count = len(bot.emulator.messages(LIFTER))
    await bot.emulator.redeliver(update_id)  # the same id and text, a day later
    answer = await bot.emulator.wait_for_messages(LIFTER, count + 1)
    assert "Welcome back" in (answer[-1].text or "")


@pytest.mark.parametrize(
    "fault",
    [
        Fault(method="sendMessage", kind="500"),  # the transport's four tries, all refused
        Fault(method="sendMessage", kind="429", retry_after=60),  # over 30 s: not waited
        Fault(method="sendMessage", kind="drop"),  # it may never have left
    ],
    ids=["5xx", "long-flood-wait", "dropped"],
)
async def test_a_lost_confirmation_is_said_once_with_the_current_step(
    bot: BotHarness, fault: Fault
) -> None:
    assert bot.app is not None
    inbox_of(bot.app).owed_pause = 0.1
    await bot.say("/workout")
    await bot.say("225")
    bot.emulator.add_fault(fault)
    before = len(bot.emulator.messages(LIFTER))
    assert await bot.say("225x6 @2") == []  # stored; its answer does not arrive
    bot.emulator.clear_faults()  # Telegram is back
    await bot.emulator.wait_for_messages(LIFTER, before + 1)
    owed = texts(bot.new_messages())
    assert owed.startswith("Picking up where you left off.") and "set 2 of 3 at 235 lb" in owed
    reply = texts(await bot.say("5 2"))  # said once: nothing more comes before this answer
    assert reply.startswith("Logged set 2: 235 lb x 5")
    assert len(bot.emulator.messages(LIFTER)) == before + 2
    async with bot.db.transaction() as session:
        assert await session.scalar(select(func.count()).select_from(WorkoutSet)) == 2


def text_update(update_id: int, chat_id: int, bot: Bot) -> Update:
    """A text message as Telegram sends it."""
    message = {"message_id": 1, "date": 0, "text": "6", "chat": {"id": chat_id, "type": "private"}}
    return Update.de_json({"update_id": update_id, "message": message}, bot)


async def test_updates_arriving_together_share_one_commit_and_a_repeat_is_not_new(
    db: Database,
) -> None:
    inbox, bot, queue = Inbox(db, FixedClock()), Bot(TEST_TOKEN), asyncio.Queue[object]()
    stores: list[str] = []

    def count(*args: object) -> None:
        if str(args[2]).startswith("INSERT INTO inbox"):
            stores.append(str(args[2]))

    updates = [text_update(20 + n, LIFTER + n, bot) for n in range(6)]
    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        await inbox.resume(bot, asyncio.Queue())
        await asyncio.gather(
            *(inbox.accept_together(u, queue) for u in [*updates, updates[0]])
        )  # as a webhook's posts at once, the first one posted twice
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)
        await inbox.close()
    assert len(stores) == 1  # one statement, in one transaction
    handed = [queue.get_nowait() for _ in range(queue.qsize())]
    assert [u.update_id for u in handed if isinstance(u, Update)] == [u.update_id for u in updates]
    async with db.transaction() as session:
        assert [p.update_id for p in await repo.pending(session)] == [u.update_id for u in updates]


async def test_a_dead_workers_updates_are_taken_over_and_a_live_ones_are_not(
    db: Database,
) -> None:
    if db.is_sqlite:
        return  # one process: every pending update is its own at start-up (see above)
    first, second = Inbox(db, FixedClock()), Inbox(await another_worker(db), FixedClock())
    queue: asyncio.Queue[object] = asyncio.Queue()
    bot = Bot(TEST_TOKEN)
    try:
        assert await first.resume(bot, asyncio.Queue()) == 0
        update = text_update(5, LIFTER, bot)
        await first.accept([update], asyncio.Queue())  # stored, handled by nobody yet
        assert await second.resume(bot, queue) == 0  # the first one is alive: its own
        await first.lock.release()  # as when its process dies
        assert await second.adopt_orphans() == 1
        taken = queue.get_nowait()
        assert isinstance(taken, Update) and taken.update_id == 5
        assert await second.adopt_orphans() == 0  # taken once
    finally:
        await first.close()
        await second.close()
        await second.db.dispose()


LIFTED = "Жим 100x5 💪"  # not ASCII
ODD_TEXT = f"{LIFTED} \ud83d"  # and a lone surrogate, which Telegram's JSON escapes


def compact(raw: dict[str, Any]) -> str:
    return json.dumps(raw, separators=(",", ":"))


async def test_polled_updates_are_stored_as_telegram_sent_them(bot: BotHarness) -> None:
    """The inbox keeps each update's JSON as getUpdates answered it, not PTB's rewrite of
    it, and read back it is the Update PTB would have made of the answer."""
    await bot.stop()  # updates wait at Telegram while we look at them
    texted = await bot.emulator.send_text(LIFTER, LIFTED)
    async with httpx.AsyncClient(base_url=bot.emulator.url) as http:
        answer = await http.post(f"/bot{TEST_TOKEN}/getUpdates", json={})
        message_id = answer.json()["result"][0]["message"]["message_id"]
        pressed = await bot.emulator.press(LIFTER, message_id, "no-such-button")
        answer = await http.post(f"/bot{TEST_TOKEN}/getUpdates", json={})  # confirms nothing
    sent = answer.json()["result"]
    await bot.start()
    assert bot.app is not None and bot.app.bot.callback_data_cache is None  # none to insert
    await processor_of(bot.app).wait_processed(pressed)
    async with bot.db.transaction() as session:
        query = select(InboxUpdate.payload).order_by(InboxUpdate.update_id)
        stored = list(await session.scalars(query.where(InboxUpdate.update_id >= texted)))
    assert stored == [compact(raw) for raw in sent]
    read_back = [Update.de_json(json.loads(payload), bot.app.bot) for payload in stored]
    parsed = Update.de_list(sent, bot.app.bot)
    assert [u.to_dict() for u in read_back] == [u.to_dict() for u in parsed]
    assert [u.update_id for u in read_back] == [texted, pressed]


def sent_by_telegram() -> list[dict[str, Any]]:
    """A text and a button press, as getUpdates answers them."""
    lifter = {"id": LIFTER, "is_bot": False, "first_name": "Лёша"}
    chat = {"id": LIFTER, "type": "private", "first_name": "Лёша"}
    message = {"message_id": 7, "from": lifter, "chat": chat, "date": 1_764_000_000}
    prompt = {**message, "message_id": 8, "from": {"id": 1, "is_bot": True, "first_name": "C"}}
    query = {"id": "42", "from": lifter, "message": prompt, "chat_instance": "9", "data": "rir:2"}
    return [
        {"update_id": 30, "message": {**message, "text": ODD_TEXT}},
        {"update_id": 31, "callback_query": query},
    ]


@pytest.mark.parametrize("as_received", [True, False], ids=["json-as-received", "from-update"])
async def test_a_stored_update_is_handed_on_unchanged_after_a_crash(
    db: Database, as_received: bool
) -> None:
    """Whether stored from Telegram's JSON or from the Update, a pending update comes
    back after a restart (or to the worker that takes over) as the same Update."""
    bot, raw = Bot(TEST_TOKEN), sent_by_telegram()
    updates = Update.de_list(raw, bot)
    crashed = Inbox(db, FixedClock())
    await crashed.resume(bot, asyncio.Queue())
    await crashed.accept(updates, asyncio.Queue(), raw if as_received else None)
    await crashed.close()  # never handled: as if the process died
    restarted, queue = Inbox(db, FixedClock()), asyncio.Queue[object]()
    try:
        assert await restarted.resume(bot, queue) == len(updates)
    finally:
        await restarted.close()
    handed = [queue.get_nowait() for _ in range(queue.qsize())]
    assert [u.to_dict() for u in handed if isinstance(u, Update)] == [u.to_dict() for u in updates]
    async with db.transaction() as session:
        [text] = await repo.pending(session, only=[30])
    assert "\\ud83d" in text.payload  # kept escaped: every database takes it


async def test_batches_of_one_size_store_their_own_ids_and_keep_the_window(db: Database) -> None:
    summer = dt.timezone(dt.timedelta(hours=2))  # stored as UTC by the type, in every row
    later = NOW + dt.timedelta(hours=1)
    async with db.transaction() as session:
        assert await repo.store(session, arrivals(1, 2, 2, 3), NOW.astimezone(summer), 4) == {
            1,
            2,
            3,
        }
        assert await repo.store(session, arrivals(4, 1, 5), later, 4) == {4, 5}  # 1: redelivered
    reused = NOW + repo.REDELIVERY_WINDOW + dt.timedelta(minutes=1)  # 1-3 out of the window
    async with db.transaction() as session:
        assert await repo.store(session, arrivals(6, 2, 4), reused, 5) == {6, 2}
    async with db.transaction() as session:
        rows = await session.execute(
            select(InboxUpdate.update_id, InboxUpdate.received_at, InboxUpdate.worker).order_by(
                InboxUpdate.update_id
            )
        )
        assert [tuple(row) for row in rows] == [
            (1, NOW, 4),
            (2, reused, 5),
            (3, NOW, 4),
            (4, later, 4),
            (5, later, 4),
            (6, reused, 5),
        ]


async def test_a_batch_is_one_statement_compiled_once_per_engine(db: Database) -> None:
    compiled: list[object] = []

    def seen(
        _connection: object,
        _cursor: object,
        statement: str,
        _parameters: object,
        context: ExecutionContext,
        _many: bool,
    ) -> None:
        if statement.startswith("INSERT INTO inbox"):
            compiled.append(context.compiled)

    event.listen(db.engine.sync_engine, "before_cursor_execute", seen)
    try:
        for batch in [(1,), (2,), (3, 4, 5), (6, 7, 8)]:
            async with db.transaction() as session:
                assert await repo.store(session, arrivals(*batch), NOW, None) == set(batch)
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", seen)
    assert len(compiled) == 4  # one statement per batch, not one per update
    assert compiled[1] is compiled[0] and compiled[3] is compiled[2]  # not compiled again
