"""The one place the shells read the time; `coach chat` can move it forward (`!wait`)."""

from __future__ import annotations

import datetime as dt


class Clock:
    """UTC now, plus an offset that only the offline chat and tests ever change."""

    def __init__(self) -> None:
        self._offset = dt.timedelta()

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + self._offset

    def advance(self, delta: dt.timedelta) -> None:
        """Pretend `delta` has passed (for `!wait`): due timers and reminders become due."""
        self._offset += delta
