"""The one base class for every coach error, so handlers can reply with its message."""


class CoachError(Exception):
    """A mistake the user can fix; ``message`` is a friendly line the bot can send as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
