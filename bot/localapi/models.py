"""What a test sees of the bot's messages: plain dataclasses, no JSON digging."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Button:
    """One inline keyboard button as the user sees it."""

    label: str
    data: str | None = None
    url: str | None = None


@dataclass
class BotMessage:
    """A message the bot has in a chat now (edits applied, deletions removed)."""

    message_id: int
    chat_id: int
    text: str | None = None
    buttons: list[list[Button]] = field(default_factory=list)
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None
    caption: str | None = None
    edited: bool = False
    sent_at: float = 0.0  # Unix time the emulator received it (benchmarks measure latency)

    @property
    def labels(self) -> list[str]:
        """Every button label, row by row."""
        return [button.label for row in self.buttons for button in row]
