"""Logging set-up: no secret reaches a log line, message texts stay out by default.

The Bot API URL contains the token, and python-telegram-bot logs it at DEBUG when the
bot is built; httpx logs every request URL at INFO. So the redaction is a filter on
the root logger's one handler, which every record reaches (a filter on a logger would
miss records that propagate from its children), and it runs at every level, DEBUG
included. Our own log lines carry user ids, never what the lifter wrote.

What lifters write and are sent (messages, names, exported files) stays out of the log
at every level unless `LOG_LIFTER_CONTENT` asks for it: python-telegram-bot logs each
Bot API call's parameters and answer, and each update, at DEBUG; `HideLifterContent`
keeps those lines but not their content.

Secrets also leave a process outside logging: PTB's InvalidToken message carries the
whole token, and Python prints an uncaught exception, a warning, or a thread's or an
unraisable exception straight to stderr. `setup_logging` routes each of those through
the same handler (asyncio's background-task errors already go through logging).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Iterable
from types import TracebackType

# Chatty libraries: kept to warnings unless LOG_LEVEL=DEBUG asks for everything...
CHATTY_LOGGERS = ("httpx", "httpcore", "apscheduler", "alembic.runtime.plugins")
# ...and these even then: a line per SQLite call or event-loop step helps no one.
QUIET_LOGGERS = ("aiosqlite", "asyncio")
REDACTED = "[redacted]"
HIDDEN = "[lifter content hidden]"
# python-telegram-bot's DEBUG lines that carry lifters' content: template -> how many
# of its arguments to keep (the endpoint's name is no one's content).
CONTENT_TEMPLATES = {
    "Calling Bot API endpoint `%s` with parameters `%s`": 1,
    "Call to Bot API endpoint `%s` finished with return value `%s`": 1,
    "Processing update %s": 0,
    "Dropping pending update: %s": 0,
    "Webhook received data: %s": 0,
}
RATE_LIMIT_INTERVAL = 60.0  # seconds between two lines of one recurring warning
MIN_SECRET_LENGTH = 6  # shorter values would blank out ordinary words all over the log


def _secret_parts(secret: str) -> list[str]:
    """A secret and, for a bot token `<id>:<key>`, the key alone (it leaks on its own too)."""
    parts = [secret]
    _, _, key = secret.partition(":")
    if key:
        parts.append(key)
    return [part for part in parts if len(part) >= MIN_SECRET_LENGTH]


class RedactSecrets(logging.Filter):
    """Replace each secret wherever it appears: message, arguments and traceback."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = sorted(
            {part for secret in secrets for part in _secret_parts(secret)}, key=len, reverse=True
        )

    def _redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a malformed call; logging would print it raw
            message = f"{record.msg} {record.args}"
            record.msg, record.args = message, None
        redacted = self._redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None and record.exc_text is None:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self._redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self._redact(record.stack_info)
        return True


class HideLifterContent(logging.Filter):
    """Keep a content-bearing line of the framework's, with its content replaced."""

    def filter(self, record: logging.LogRecord) -> bool:
        kept = CONTENT_TEMPLATES.get(str(record.msg))
        if kept is not None and isinstance(record.args, tuple):
            record.args = record.args[:kept] + (HIDDEN,) * (len(record.args) - kept)
        return True


class RateLimitedWarning:
    """A warning anyone outside can trigger at will (a forged webhook request): written
    at most once per `interval` seconds, with how many were left out since, so a flood
    of them can't flood the log."""

    def __init__(
        self,
        logger: logging.Logger,
        message: str,
        interval: float = RATE_LIMIT_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger, self._message = logger, message
        self._interval, self._clock = interval, clock
        self._quiet_until: float | None = None
        self._left_out = 0

    def __call__(self) -> None:
        now = self._clock()
        if self._quiet_until is not None and now < self._quiet_until:
            self._left_out += 1
            return
        if self._left_out:
            self._logger.warning("%s (%d more not logged)", self._message, self._left_out)
        else:
            self._logger.warning("%s", self._message)
        self._quiet_until, self._left_out = now + self._interval, 0


def _log_uncaught(
    kind: type[BaseException], error: BaseException, traceback: TracebackType | None
) -> None:
    """sys.excepthook: the traceback through the redacting handler, not raw to stderr."""
    logging.getLogger("bot").critical(
        "stopped by an unexpected error", exc_info=(kind, error, traceback)
    )


def _log_thread_error(args: threading.ExceptHookArgs) -> None:
    name = args.thread.name if args.thread is not None else "?"
    error = (args.exc_type, args.exc_value, args.exc_traceback)
    logging.getLogger("bot").error("thread %s failed", name, exc_info=error)  # type: ignore[arg-type]


def _log_unraisable(unraisable: sys.UnraisableHookArgs) -> None:
    error = (unraisable.exc_type, unraisable.exc_value, unraisable.exc_traceback)
    logging.getLogger("bot").error("ignored error in %r", unraisable.object, exc_info=error)  # type: ignore[arg-type]


def setup_logging(level: str, *secrets: str | None, lifter_content: bool = False) -> None:
    """Configure the root logger once; quiet chatty libraries; redact secrets everywhere:
    log records, uncaught exceptions, warnings, and errors in threads. What lifters
    write stays out unless `lifter_content` (LOG_LIFTER_CONTENT) asks for it."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if not lifter_content:
        handler.addFilter(HideLifterContent())
    handler.addFilter(RedactSecrets(secret for secret in secrets if secret))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    quiet = QUIET_LOGGERS if root.level <= logging.DEBUG else QUIET_LOGGERS + CHATTY_LOGGERS
    for name in quiet:
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    sys.excepthook = _log_uncaught
    threading.excepthook = _log_thread_error
    sys.unraisablehook = _log_unraisable
