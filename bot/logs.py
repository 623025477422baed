"""Logging set-up: the token never reaches a log line, message texts stay out by default."""

from __future__ import annotations

import logging

QUIET_LOGGERS = ("httpx", "httpcore", "apscheduler", "aiosqlite", "asyncio")


class RedactToken(logging.Filter):
    """Replace the bot token wherever it appears (the Bot API URL contains it)."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self._token = token

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._token:
            return True
        message = record.getMessage()
        if self._token in message:
            record.msg = message.replace(self._token, "[token]")
            record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if self._token in text:
                record.exc_text = text.replace(self._token, "[token]")
        return True


def setup_logging(level: str, token: str | None) -> None:
    """Configure the root logger once; quiet chatty libraries; redact the token everywhere."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if token:
        handler.addFilter(RedactToken(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
