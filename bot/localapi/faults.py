"""Fault injection and Telegram-style flood control.

Hardening tests and benchmarks need Telegram's bad days on demand: 429 with
``retry_after``, 5xx, hung or dropped connections, slow answers, and the
per-second send limits. Faults fire *before* a method acts, so a faulted
sendMessage sends nothing and only a retry delivers it.
"""

from __future__ import annotations

import math
import random
import time
from collections import deque
from dataclasses import asdict, dataclass, field
from typing import Any

from bot.localapi.errors import ApiError, too_many_requests

FAULT_KINDS = frozenset({"429", "500", "502", "timeout", "drop", "slow"})
SEND_METHODS = frozenset({"sendmessage", "sendphoto", "senddocument"})


@dataclass
class Fault:
    """One injected failure.

    ``method``: Bot API method name (case-insensitive) or ``"*"`` for any.
    ``kind``:
      * ``"429"``   – Too Many Requests with ``parameters.retry_after`` (PTB: RetryAfter)
      * ``"500"``   – Internal Server Error (PTB: NetworkError)
      * ``"502"``   – nginx's HTML Bad Gateway page (PTB: NetworkError "Bad Gateway")
      * ``"timeout"`` – hold the request ``delay`` s, then act and answer normally; if the
        client gives up first nothing happens (no message is sent)
      * ``"drop"``  – close the connection without any reply (PTB: NetworkError)
      * ``"slow"``  – act at once but answer only after ``delay`` s; if the client gives
        up first the action still happened, so a retry duplicates it (like real Telegram
        under load)
    Firing: ``count`` = the first N matching calls; ``probability`` = each matching
    call with that chance from a ``seed``-ed RNG; neither = every matching call.
    """

    method: str = "*"
    kind: str = "500"
    count: int | None = None
    probability: float | None = None
    seed: int | None = None
    retry_after: int = 1
    delay: float = 0.0
    fired: int = field(default=0, init=False)
    _rng: random.Random = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; use one of {sorted(FAULT_KINDS)}")
        if self.count is not None and self.probability is not None:
            raise ValueError("give either count or probability, not both")
        if self.probability is not None and not 0.0 <= self.probability <= 1.0:
            raise ValueError("probability must be within 0..1")
        self._rng = random.Random(self.seed)

    @property
    def exhausted(self) -> bool:
        """A count fault that has fired its N times."""
        return self.count is not None and self.fired >= self.count

    def matches(self, method: str) -> bool:
        """Whether this fault targets the (lower-cased) method."""
        return self.method == "*" or self.method.lower() == method

    def fire(self) -> bool:
        """Decide (and record) whether this matching call is faulted."""
        if self.exhausted:
            return False
        if self.probability is not None and self._rng.random() >= self.probability:
            return False
        self.fired += 1
        return True

    def describe(self) -> dict[str, Any]:
        """JSON-friendly view for the control endpoint."""
        data = asdict(self)
        data.pop("_rng", None)
        return data


class FaultInjector:
    """The active faults, consulted once per bot request."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Activate a fault (faults are consulted in the order added)."""
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Remove every fault."""
        self._faults.clear()

    @property
    def active(self) -> list[Fault]:
        """Faults that can still fire."""
        return [f for f in self._faults if not f.exhausted]

    def pick(self, method: str) -> Fault | None:
        """The fault that fires for this call, if any."""
        method = method.lower()
        chosen: Fault | None = None
        for fault in self._faults:
            if fault.matches(method) and fault.fire():
                chosen = fault
                break
        self._faults = [f for f in self._faults if not f.exhausted]
        return chosen


@dataclass
class RateLimit:
    """Telegram's flood limits for send* calls, counted in sliding windows.

    The window is ``1 s × time_scale`` (``time_scale=0.1`` applies the limits per
    100 ms so CI-size benchmarks finish fast). Over the limit the call gets
    ``429 Too Many Requests: retry after N`` where N = ``max(1, ceil(retry_after ×
    time_scale))``: Telegram only sends whole seconds, so with a scaled window the
    reported value is an upper bound (the window has already reset by then).
    """

    per_second: float = 30
    per_chat_per_second: float = 1
    time_scale: float = 1.0
    retry_after: int = 1

    @property
    def window(self) -> float:
        """Length of the sliding window in seconds."""
        return self.time_scale

    @property
    def reported_retry_after(self) -> int:
        """The integer ``retry_after`` sent to the bot."""
        return max(1, math.ceil(self.retry_after * self.time_scale))


@dataclass
class RateStats:
    """Successful send* calls, those rejected by the rate limit, and the busiest window.

    ``busiest`` is the most send* calls that reached the limiter within one sliding
    window (``1 s × time_scale``, or 1 s with no limit set), refused ones included: what
    the bot tried to send, so a bot over the limit shows even where the limiter refused
    the excess. ``rejected_chat`` counts the 429s for one chat's limit alone.
    """

    sends: int = 0
    rejected_429: int = 0
    rejected_chat: int = 0
    busiest: int = 0

    def clear(self) -> None:
        """Back to zero."""
        self.sends = self.rejected_429 = self.rejected_chat = self.busiest = 0

    def as_dict(self) -> dict[str, int]:
        """JSON-friendly view."""
        return {
            "sends": self.sends,
            "rejected_429": self.rejected_429,
            "rejected_chat": self.rejected_chat,
            "busiest": self.busiest,
        }


class RateLimiter:
    """Sliding-window counters, global and per chat, and every attempt's for the stats."""

    def __init__(self, limit: RateLimit | None, stats: RateStats) -> None:
        self.limit = limit
        self.stats = stats
        self._global: deque[float] = deque()
        self._per_chat: dict[Any, deque[float]] = {}
        self._attempts: deque[float] = deque()

    @property
    def window(self) -> float:
        """The sliding window's length: the limit's, or one second without a limit."""
        return self.limit.window if self.limit is not None else 1.0

    def reset(self) -> None:
        """Forget the send history (not the stats)."""
        self._global.clear()
        self._per_chat.clear()
        self._attempts.clear()

    def _prune(self, window: deque[float], now: float) -> None:
        horizon = now - self.window
        while window and window[0] <= horizon:
            window.popleft()

    def _attempt(self, now: float) -> None:
        self._prune(self._attempts, now)
        self._attempts.append(now)
        self.stats.busiest = max(self.stats.busiest, len(self._attempts))

    def check(self, chat_key: Any) -> None:
        """Raise Telegram's 429 if one more send now would exceed the limits."""
        now = time.monotonic()
        self._attempt(now)
        if self.limit is None:
            return
        self._prune(self._global, now)
        chat_window = self._per_chat.get(chat_key)
        if chat_window is not None:
            self._prune(chat_window, now)
            if not chat_window:
                del self._per_chat[chat_key]
                chat_window = None
        over_global = len(self._global) >= self.limit.per_second
        over_chat = chat_window is not None and len(chat_window) >= self.limit.per_chat_per_second
        if over_global or over_chat:
            self.stats.rejected_429 += 1
            if not over_global:
                self.stats.rejected_chat += 1
            raise too_many_requests(self.limit.reported_retry_after)

    def record(self, chat_key: Any) -> None:
        """Count a successful send."""
        self.stats.sends += 1
        if self.limit is None:
            return
        now = time.monotonic()
        self._global.append(now)
        self._per_chat.setdefault(chat_key, deque()).append(now)


def fault_error(fault: Fault) -> ApiError | None:
    """The Bot API error a fault answers with (None for connection-level kinds)."""
    if fault.kind == "429":
        return too_many_requests(max(1, int(fault.retry_after)))
    if fault.kind == "500":
        return ApiError(500, "Internal Server Error")
    return None


BAD_GATEWAY_PAGE = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)
