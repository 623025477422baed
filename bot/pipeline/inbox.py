"""Store updates before confirming them, hand the new ones to the Application, and
remember which are handled.

An update is confirmed to Telegram (the next getUpdates offset, or the webhook's 200)
only after its batch is committed here, so a crash at any moment leaves it either with
Telegram, which sends it again, or in the inbox, which hands it on at the next start.
A redelivery of an update already stored is not handed on: it gets no second reply.
Handled updates are marked in batches, a few statements for many updates; a crash
before a mark only means the update is handled again, and the ledger
(`bot.db.inbox.claim_update`) keeps that from changing anything twice.

An update whose answer did not reach Telegram (a 5xx, a long flood wait, a dropped
connection: `bot.retry.watching_sends`) is not marked: its answer is owed. It stays in
the inbox, so a crash does not lose it either, and every `OWED_PAUSE` it goes round
again, as after a crash (`bot.pipeline.replay`): if it changed the lifter's state, as
the lifter's current step; if not, as itself. Once an answer gets through, it is
marked, so it is said once.

Webhook workers on PostgreSQL also hold each update they have in hand, from before it
is stored until it is handled, so that another worker keeps the lifter's next update
waiting until then (`bot.pipeline.ordering`). Every `ADOPT_EVERY` each worker looks for
workers that died and handles what they left, also when no update comes to prompt it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from telegram import Bot, Update

from bot.clock import Clock
from bot.db import inbox as repo
from bot.db.engine import Database
from bot.pipeline.ordering import ChatOrder
from bot.pipeline.replay import where_am_i
from bot.pipeline.workers import WorkerLock

log = logging.getLogger(__name__)

PRUNE_EVERY = 600.0  # seconds between sweeps of rows older than the redelivery window
MARK_DELAY = 0.2  # seconds handled updates wait to be marked together: one statement each
# for many under load (marking each alone cost ~1.8 ms of CPU per update on PostgreSQL)
ADOPT_EVERY = 30.0  # seconds between looks for the updates of a worker that died
OWED_PAUSE = 15.0  # seconds before an answer that did not get through is tried again


Raw = dict[str, Any] | None  # an update's JSON object as Telegram sent it, if at hand


def arrival(update: Update, raw: Raw = None) -> repo.Arrival:
    """What the inbox keeps of an update: its JSON, compact.

    Written from the JSON Telegram sent when the caller has it (polling, the webhook):
    serializing the parsed Update back cost 0.1 ms of CPU for a text, 0.2 ms for a
    button press (it carries the message and its keyboard), ten times as much or more.
    ASCII only, as before: a lone surrogate Telegram sends escaped stays escaped, so
    every database can store it. Read back, either form gives the same Update.
    """
    chat = update.effective_chat
    source = update.to_dict() if raw is None else raw
    payload = json.dumps(source, separators=(",", ":"))
    return repo.Arrival(update.update_id, chat.id if chat else None, payload)


class Inbox:
    """The durable front of the pipeline, shared by polling and the webhook."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock
        self._finished: list[int] = []
        self._marker: asyncio.Task[None] | None = None
        self._pruned_at = time.monotonic()
        self.owed_pause = OWED_PAUSE
        self._owed: set[int] = set()
        self._owing: asyncio.Task[None] | None = None
        self._target: tuple[Bot, asyncio.Queue[object]] | None = None
        self.lock = WorkerLock(db)
        self._sweeper: asyncio.Task[None] | None = None
        self._adopting = asyncio.Lock()  # the sweep and the order's gate may both adopt
        self.order = ChatOrder(db, self.lock, self.adopt_orphans)
        self._arriving: list[tuple[Update, Raw, asyncio.Future[None]]] = []
        self._storer: asyncio.Task[None] | None = None

    async def accept(
        self,
        updates: Sequence[Update],
        queue: asyncio.Queue[object],
        raw: Sequence[Raw] | None = None,
    ) -> None:
        """Store a batch in one commit, then queue the updates that are new; `raw`, if
        given, holds each update's JSON as received, in the same order.

        Returns only after the commit, so the caller may confirm the batch to Telegram.
        If the database cannot take them, the updates are queued anyway: their handlers
        meet the same outage and tell the lifter to try again, rather than silence.
        """
        received = [None] * len(updates) if raw is None else raw
        arrivals = [arrival(u, r) for u, r in zip(updates, received, strict=True)]
        held: set[int] = set()
        try:
            held = await self.order.hold([u.update_id for u in updates])
            async with self.db.transaction() as session:
                fresh = await repo.store(session, arrivals, self.clock.now(), self.lock.worker)
        except Exception as error:  # the database is out of reach: handled without a net
            log.warning("could not store %d updates in the inbox: %r", len(updates), error)
            fresh = {u.update_id for u in updates}
        for update in updates:
            if update.update_id in fresh:
                fresh.discard(update.update_id)  # any repeat in the batch is a redelivery
                await queue.put(update)
            else:
                if update.update_id in held:
                    self.order.release(update.update_id)
                log.info("update %s was delivered again; already handled", update.update_id)

    async def accept_together(
        self, update: Update, queue: asyncio.Queue[object], raw: Raw = None
    ) -> None:
        """`accept` one update (and its JSON as received), stored in one commit with those
        that arrive meanwhile.

        A webhook is posted different chats' updates at once (Telegram keeps up to 40
        connections open), each waiting for its own answer. Updates that arrive while a
        batch is being stored go together in the next one: one transaction for many
        under load, none kept waiting when traffic is light. Returns after the commit.
        """
        arrived: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._arriving.append((update, raw, arrived))
        if self._storer is None or self._storer.done():
            self._storer = asyncio.get_running_loop().create_task(self._store_arriving(queue))
        await arrived

    async def _store_arriving(self, queue: asyncio.Queue[object]) -> None:
        while self._arriving:
            batch, self._arriving = self._arriving, []
            try:
                await self.accept([u for u, _, _ in batch], queue, [r for _, r, _ in batch])
            finally:
                for _, _, arrived in batch:
                    if not arrived.done():
                        arrived.set_result(None)

    async def resume(self, bot: Bot, queue: asyncio.Queue[object]) -> int:
        """Start as a worker, and queue what crashed workers (this one before a restart
        among them) left stored but unhandled, oldest first; how many."""
        self._target = bot, queue
        await self.lock.hold()
        await self.order.open()
        if self.lock.worker is not None:
            self._sweeper = asyncio.get_running_loop().create_task(self._sweep())
        return await self.adopt_orphans()

    async def _sweep(self) -> None:
        """Every `ADOPT_EVERY`, look for workers that died, also when no update comes."""
        while True:
            await asyncio.sleep(ADOPT_EVERY)
            try:
                await self.adopt_orphans()
            except Exception as error:
                log.warning("could not look for a stopped worker's updates: %r", error)

    async def adopt_orphans(self) -> int:
        """Queue the unhandled updates of workers that died (`bot.pipeline.workers`)."""
        async with self._adopting:
            return await self._adopt_orphans()

    async def _adopt_orphans(self) -> int:
        me = self.lock.worker
        if me is None:  # SQLite: one process, so whatever is pending is its own
            async with self.db.transaction() as session:
                rows = await repo.pending(session)
        else:
            adopted: list[int] = []
            async with self.db.transaction() as session:
                workers = await repo.pending_workers(session)
            for other in workers:
                if not await self.lock.try_take(other):
                    continue  # alive (or being taken over by another worker)
                try:
                    async with self.db.transaction() as session:
                        taken = await repo.adopt(session, other, me)
                        await self.order.hold(taken, adopting=True)  # in hand before seen
                        adopted += taken
                finally:
                    await self.lock.drop(other)
            async with self.db.transaction() as session:
                rows = await repo.pending(session, only=sorted(adopted)) if adopted else []
        await self._requeue(rows, adopted=True)
        if rows:
            log.info("handling %d updates a stopped worker left", len(rows))
        return len(rows)

    async def _requeue(self, rows: Sequence[repo.Pending], *, adopted: bool = False) -> None:
        assert self._target is not None
        bot, queue = self._target
        for row in rows:
            payload = json.loads(row.payload)
            if row.claimed:  # its change is stored; its reply may be lost: say where they are
                payload = where_am_i(payload, row.training)
                if payload is None:
                    self.done(row.update_id)
                    continue
            update = Update.de_json(payload, bot)
            if adopted:
                self.order.adopted(update)
            await queue.put(update)

    def done(self, update_id: int, answered: bool = True) -> None:
        """An update is handled; marked in the inbox soon, together with others. If its
        answer did not get through, it is owed instead and goes round again later."""
        self.order.release(update_id)
        if not answered:
            self._owed.add(update_id)
            if self._owing is None or self._owing.done():
                self._owing = asyncio.get_running_loop().create_task(self._pay())
            return
        self._finished.append(update_id)
        if self._marker is None or self._marker.done():
            self._marker = asyncio.get_running_loop().create_task(self._mark())

    async def _mark(self) -> None:
        while self._finished:
            await asyncio.sleep(MARK_DELAY)
            ids, self._finished = self._finished, []
            try:
                async with self.db.transaction() as session:
                    await repo.mark_done(session, ids, self.clock.now())
            except Exception as error:  # handled again after a restart; the ledger holds
                log.warning("could not mark %d updates handled: %r", len(ids), error)
        if time.monotonic() - self._pruned_at >= PRUNE_EVERY:
            await self.prune()

    async def _pay(self) -> None:
        """Every `owed_pause`, hand the owed updates round again, until none is owed."""
        while self._owed:
            await asyncio.sleep(self.owed_pause)
            ids, self._owed = self._owed, set()
            try:
                async with self.db.transaction() as session:
                    rows = await repo.pending(session, sorted(ids))
                await self._requeue(rows)
            except Exception as error:  # the database is out too: keep owing
                log.warning("could not go back to %d unanswered updates: %r", len(ids), error)
                self._owed |= ids

    async def prune(self) -> int:
        """Delete rows Telegram can no longer redeliver, a batch per transaction."""
        self._pruned_at = time.monotonic()
        removed = 0
        try:
            while True:
                async with self.db.transaction() as session:
                    count = await repo.prune(session, self.clock.now())
                removed += count
                if count < repo.PRUNE_BATCH:
                    return removed
        except Exception as error:
            log.warning("could not prune the inbox: %r", error)
            return removed

    async def close(self) -> None:
        """Write the last marks (after the Application finished its updates); what is
        still owed stays in the inbox for the next start."""
        if self._owing is not None:
            self._owing.cancel()
        if self._sweeper is not None:
            self._sweeper.cancel()
        if self._marker is not None:
            await self._marker
        await self.order.close()
        await self.lock.release()
