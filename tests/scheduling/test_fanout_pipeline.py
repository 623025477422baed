"""Sending while claiming: each claimed message goes out once and is recorded, the next
batch is claimed before the last is sent, and a stuck send holds up nobody else."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bot.clock import Clock
from bot.config import Settings
from bot.db.engine import Database
from bot.replies import Reply
from bot.scheduling.delivery import AHEAD, SENDING_AT_ONCE, deliver_all
from bot.scheduling.reminders import CLAIM_BATCH, Claimed, Status, claim_due
from bot.services.container import Services
from tests.scheduling.seed import deliveries, seed_schedules

GIVE_UP = 60  # seconds: a pipeline that deadlocks fails the test instead of hanging it


class FakeSender:
    """Sends at once unless a send must wait for `gate`; remembers who got a message."""

    def __init__(self) -> None:
        self.sent: list[int] = []
        self.started = 0
        self.gate: Callable[[int], Awaitable[None]] | None = None

    async def send(self, chat_id: int, reply: Reply) -> tuple[Status, int]:
        self.started += 1
        if self.gate is not None:
            await self.gate(chat_id)
        self.sent.append(chat_id)
        return Status.SENT, 1


class Claims:
    """The claim callback `fire_reminders` passes, counting what it claimed."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock
        self.made: list[int] = []
        self.more_claimed = asyncio.Event()  # a second claim was made

    async def __call__(self) -> Claimed:
        claimed = await claim_due(self.db, self.clock.now(), "me")
        self.made.append(len(claimed.deliveries))
        if len(self.made) > 1:
            self.more_claimed.set()
        return claimed


async def due_lifters(db: Database, clock: Clock, count: int) -> list[int]:
    now = clock.now()
    return await seed_schedules(db, range(5000, 5000 + count), now=now, due_at=now)


async def deliver(db: Database, clock: Clock, sender: FakeSender, claims: Claims) -> int:
    svc = Services(settings=Settings(), db=db, clock=clock, owns_db=False)
    return await asyncio.wait_for(deliver_all(svc, sender, claims), GIVE_UP)


async def test_every_claimed_reminder_goes_out_once_and_is_recorded(db: Database) -> None:
    clock = Clock()
    users = await due_lifters(db, clock, 2 * CLAIM_BATCH + 50)
    sender = FakeSender()
    assert await deliver(db, clock, sender, Claims(db, clock)) == len(users)
    assert sorted(sender.sent) == users
    rows = await deliveries(db)
    assert sorted(r.user_id for r in rows) == users
    assert {r.status for r in rows} == {"sent"}


async def test_the_next_batch_is_claimed_while_the_last_is_still_being_sent(
    db: Database,
) -> None:
    clock = Clock()
    users = await due_lifters(db, clock, 3 * CLAIM_BATCH)
    last_of_the_first = users[CLAIM_BATCH - 1]
    sender, claims = FakeSender(), Claims(db, clock)
    most_unsent = 0

    async def the_first_batch_ends_after_the_next_claim(chat_id: int) -> None:
        nonlocal most_unsent
        most_unsent = max(most_unsent, sum(claims.made) - sender.started)
        if chat_id == last_of_the_first:  # the old way, a whole batch before the next, hangs
            await claims.more_claimed.wait()

    sender.gate = the_first_batch_ends_after_the_next_claim
    assert await deliver(db, clock, sender, claims) == len(users)
    assert sorted(sender.sent) == users
    assert most_unsent <= AHEAD + CLAIM_BATCH  # far from the lease: a few seconds' sending


async def test_a_stuck_send_holds_up_nobody_else(db: Database) -> None:
    clock = Clock()
    users = await due_lifters(db, clock, 2 * CLAIM_BATCH + 50)
    stuck, sender = users[0], FakeSender()
    everyone_else = asyncio.Event()

    async def stuck_until_everyone_else_is_sent(chat_id: int) -> None:
        if chat_id == stuck:
            await everyone_else.wait()
        elif len(sender.sent) == len(users) - 2:  # this one is the last of the others
            everyone_else.set()

    sender.gate = stuck_until_everyone_else_is_sent
    assert await deliver(db, clock, sender, Claims(db, clock)) == len(users)
    assert sender.sent[-1] == stuck
    assert {r.status for r in await deliveries(db)} == {"sent"}


async def test_what_was_claimed_before_a_failed_claim_still_goes_out(db: Database) -> None:
    clock = Clock()
    await due_lifters(db, clock, CLAIM_BATCH + 50)
    sender, claims = FakeSender(), Claims(db, clock)

    async def fails_the_second_time() -> Claimed:
        if claims.made:
            raise RuntimeError("the database went away")
        return await claims()

    svc = Services(settings=Settings(), db=db, clock=clock, owns_db=False)
    with pytest.raises(RuntimeError):
        await asyncio.wait_for(deliver_all(svc, sender, fails_the_second_time), GIVE_UP)
    assert len(sender.sent) == CLAIM_BATCH
    rows = await deliveries(db)
    assert [r.status for r in rows] == ["sent"] * CLAIM_BATCH


async def test_nothing_due_starts_nothing(db: Database) -> None:
    clock = Clock()
    sender = FakeSender()
    assert await deliver(db, clock, sender, Claims(db, clock)) == 0
    assert sender.sent == [] and await deliveries(db) == []


async def test_stopping_finishes_the_sends_under_way_and_hands_back_the_rest(
    db: Database,
) -> None:
    """SIGTERM mid fan-out: the sends under way finish and are recorded, nothing more goes
    out, and a restart right away (not after the lease) sends the rest, each once."""
    clock = Clock()
    users = await due_lifters(db, clock, 2 * CLAIM_BATCH + 50)
    sender, stopping = FakeSender(), asyncio.Event()
    in_flight = asyncio.Event()

    async def stop_while_every_sender_is_busy(chat_id: int) -> None:
        if sender.started == SENDING_AT_ONCE:
            stopping.set()
            in_flight.set()
        await in_flight.wait()  # these are mid-send when the stop comes

    sender.gate = stop_while_every_sender_is_busy
    svc = Services(settings=Settings(), db=db, clock=clock, owns_db=False)
    claimed = await asyncio.wait_for(deliver_all(svc, sender, Claims(db, clock), stopping), 5)
    assert claimed < len(users)  # the claiming stopped
    first_run = sorted(sender.sent)
    assert len(first_run) == SENDING_AT_ONCE
    rows = await deliveries(db)
    assert sorted(r.user_id for r in rows if r.status == "sent") == first_run

    restarted = FakeSender()
    assert await deliver(db, clock, restarted, Claims(db, clock)) == len(users) - len(first_run)
    assert sorted(first_run + restarted.sent) == users
    assert {r.status for r in await deliveries(db)} == {"sent"}
