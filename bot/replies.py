"""What a use case answers with, free of Telegram types so it is easy to test and reuse."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Button:
    """An inline button: a label and its callback data (at most 64 bytes, checked here)."""

    label: str
    data: str

    def __post_init__(self) -> None:
        if not 1 <= len(self.data.encode()) <= 64:
            raise ValueError(f"callback data must be 1-64 bytes: {self.data!r}")


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to send: text, rows of buttons, optionally a photo or document."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    photo: bytes | None = None
    document: bytes | None = None
    filename: str | None = None


@dataclass(slots=True)
class Outcome:
    """Replies for the user plus side effects for the shell (timers to start or stop)."""

    replies: list[Reply] = field(default_factory=list)
    rest_seconds: int | None = None
    cancel_timer: bool = False

    def say(self, text: str, *rows: tuple[Button, ...]) -> Outcome:
        """Add a text; it joins the previous message when that one has no buttons or media,
        so the lifter gets one message per step rather than a burst of small ones."""
        previous = self.replies[-1] if self.replies else None
        if previous is not None and not (previous.buttons or previous.photo or previous.document):
            self.replies[-1] = Reply(f"{previous.text}\n\n{text}", tuple(rows))
        else:
            self.replies.append(Reply(text, tuple(rows)))
        return self


def row(*buttons: Button) -> tuple[Button, ...]:
    """One row of buttons (reads better at call sites than a bare tuple)."""
    return buttons
