"""The bot's update queue with Telegram's confirmation semantics.

getUpdates with ``offset`` confirms (and forgets) every update below it, so a
long benchmark keeps only unconfirmed updates in memory. A bounded history
of recent updates lets :meth:`UpdateQueue.redeliver` hand the bot an exact
duplicate (same ``update_id``), as Telegram does after a crash before
confirmation; such a duplicate is delivered once even though its id is below
the bot's current offset.
"""

from __future__ import annotations

import copy
from collections import Counter, OrderedDict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from bot.localapi.notifier import Signal

DEFAULT_EXCLUDED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
HISTORY_SIZE = 10_000


def update_type(payload: dict[str, Any]) -> str:
    """The update's kind: its one key besides ``update_id``."""
    for key in payload:
        if key != "update_id":
            return key
    return ""


@dataclass
class QueuedUpdate:
    """One pending update."""

    update_id: int
    payload: dict[str, Any]
    redelivery: bool = False
    delivered: bool = False


class UpdateQueue:
    """Pending updates in delivery order."""

    def __init__(self, signal: Signal) -> None:
        self._signal = signal
        self._queue: deque[QueuedUpdate] = deque()
        self._pending_ids: Counter[int] = Counter()
        self._history: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.next_id = 1
        self.confirmed_upto = 0
        self.allowed: frozenset[str] | None = None

    def __len__(self) -> int:
        return len(self._queue)

    def clear(self) -> None:
        """Forget pending updates and history (ids keep increasing)."""
        for entry in self._queue:
            self.confirmed_upto = max(self.confirmed_upto, entry.update_id + 1)
        self._queue.clear()
        self._pending_ids.clear()
        self._history.clear()
        self._signal.notify()

    def push(self, payload: dict[str, Any]) -> int:
        """Queue an update, assigning ``update_id`` when it has none."""
        if "update_id" not in payload:
            payload = {"update_id": self.next_id, **payload}
        update_id = int(payload["update_id"])
        self.next_id = max(self.next_id, update_id + 1)
        self._history[update_id] = payload
        while len(self._history) > HISTORY_SIZE:
            self._history.popitem(last=False)
        self._insert(QueuedUpdate(update_id, payload))
        return update_id

    def redeliver(self, update_id: int) -> int:
        """Queue an exact copy of an earlier update with the same id."""
        payload = self._history.get(update_id)
        if payload is None:
            raise LookupError(
                f"update {update_id} is unknown or too old to redeliver "
                f"(the last {HISTORY_SIZE} updates are kept)"
            )
        self._insert(QueuedUpdate(update_id, copy.deepcopy(payload), redelivery=True))
        return update_id

    def _insert(self, entry: QueuedUpdate) -> None:
        if not self._queue or self._queue[-1].update_id <= entry.update_id:
            self._queue.append(entry)
        else:
            # Keep id order, so the bot's "last id + 1" offset never skips anything.
            index = next(
                i for i, queued in enumerate(self._queue) if queued.update_id > entry.update_id
            )
            self._queue.insert(index, entry)
        self._pending_ids[entry.update_id] += 1
        self._signal.notify()

    def _remove_left(self) -> QueuedUpdate:
        entry = self._queue.popleft()
        self._forget(entry)
        return entry

    def _forget(self, entry: QueuedUpdate) -> None:
        self._pending_ids[entry.update_id] -= 1
        if self._pending_ids[entry.update_id] <= 0:
            del self._pending_ids[entry.update_id]
        # Every id below the oldest still queued is confirmed (a webhook confirms chats
        # out of id order, so that may lag the one just confirmed).
        oldest = self._queue[0].update_id if self._queue else self.next_id
        self.confirmed_upto = max(self.confirmed_upto, oldest)

    def confirm(self, offset: int) -> None:
        """Apply getUpdates' ``offset``: confirm ids below it, or keep the last -offset."""
        if offset < 0:
            while len(self._queue) > -offset:
                self._remove_left()
            self._signal.notify()
            return
        if offset == 0:
            return
        self.confirmed_upto = max(self.confirmed_upto, offset)
        kept: list[QueuedUpdate] = []
        while self._queue and self._queue[0].update_id < offset:
            entry = self._queue.popleft()
            if entry.redelivery and not entry.delivered:
                kept.append(entry)
            else:
                self._forget(entry)
        self._queue.extendleft(reversed(kept))
        self._signal.notify()

    def set_allowed(self, allowed: Iterable[str] | None) -> None:
        """Remember ``allowed_updates`` (an empty list restores the default)."""
        values = frozenset(allowed or ())
        self.allowed = values or None

    def _is_allowed(self, payload: dict[str, Any]) -> bool:
        kind = update_type(payload)
        if self.allowed is None:
            return kind not in DEFAULT_EXCLUDED
        return kind in self.allowed

    def select(self, offset: int, limit: int) -> list[QueuedUpdate]:
        """Updates to hand out now; disallowed types are dropped on the way."""
        batch: list[QueuedUpdate] = []
        dropped: list[QueuedUpdate] = []
        for entry in self._queue:
            if len(batch) >= limit:
                break
            if entry.update_id < offset and not (entry.redelivery and not entry.delivered):
                continue
            if not self._is_allowed(entry.payload):
                dropped.append(entry)
                continue
            batch.append(entry)
        for entry in dropped:
            self.remove(entry)
        return batch

    def remove(self, entry: QueuedUpdate) -> None:
        """Forget one entry (webhook acknowledged it, or it was filtered out)."""
        if self._queue and self._queue[0] is entry:
            self._queue.popleft()
        else:
            try:
                self._queue.remove(entry)
            except ValueError:
                return
        self._forget(entry)
        self._signal.notify()

    def drop_pending(self) -> None:
        """``drop_pending_updates``: Telegram forgets everything queued."""
        while self._queue:
            self._remove_left()
        self._signal.notify()

    def is_confirmed(self, update_id: int) -> bool:
        """Whether the bot has confirmed (or been relieved of) this update."""
        return update_id not in self._pending_ids and update_id < self.next_id

    def pending_ids(self) -> list[int]:
        """Ids still queued, in order (for diagnostics)."""
        return [entry.update_id for entry in self._queue]
