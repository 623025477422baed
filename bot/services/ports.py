"""What a use case needs from outside once its transaction has committed.

The shell that runs the bot (`bot.scheduling.timers.AppEffects`) implements it with
the JobQueue and the Bot API; tests can hand in a recorder. Services never see Telegram.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from bot.replies import Reply


class Effects(Protocol):
    """Rest-timer wake-ups and messages, carried out after the commit."""

    def start_rest(self, user_id: int, seconds: float) -> None:
        """(Re)arm the wake-up for a lifter's one rest timer (its row is stored already)."""

    def stop_rest(self, user_id: int) -> None:
        """Drop the wake-up for a lifter's rest timer (its row is deleted already)."""

    async def send(self, chat_id: int, replies: Sequence[Reply]) -> None:
        """Send the replies in order."""
