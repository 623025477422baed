"""A lock-free condition variable for one asyncio loop.

Waiters re-check a predicate whenever anything changes; ``notify`` is a plain
(sync) call so world-model code can signal without ``async with`` locks.
Nothing ever polls with sleeps: waits end on a change or a deadline.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable


class Signal:
    """Broadcast "something changed" to every waiter."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake all current waiters."""
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait(self, seconds: float | None = None) -> bool:
        """Wait for the next notify, at most ``seconds``; False if none came."""
        event = self._event
        if seconds is None:
            await event.wait()
            return True
        if seconds <= 0:
            # Still a turn for everyone else: a caller looping on a wait of 0 (a retry due
            # now with nothing to retry) would otherwise hold the event loop for good.
            await asyncio.sleep(0)
            return False
        try:
            await asyncio.wait_for(event.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def wait_for(self, predicate: Callable[[], bool], seconds: float | None) -> bool:
        """Wait until ``predicate()`` holds; False if ``seconds`` pass first."""
        loop = asyncio.get_running_loop()
        deadline = None if seconds is None else loop.time() + seconds
        while not predicate():
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            await self.wait(remaining)
        return True
