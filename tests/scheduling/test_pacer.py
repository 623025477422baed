"""The pacer keeps scheduled sends under Telegram's limits in every sliding window."""

from __future__ import annotations

import itertools
import random

from bot.scheduling.sender import Pacer


def _most_in_any_window(starts: list[float], window: float) -> int:
    """The largest number of starts inside any half-open window of this length."""
    ordered = sorted(starts)
    best, first = 0, 0
    for last, start in enumerate(ordered):
        while ordered[first] <= start - window:
            first += 1
        best = max(best, last - first + 1)
    return best


def test_sends_to_many_chats_stay_under_thirty_per_second_without_bursts() -> None:
    pacer = Pacer()
    starts = [pacer.reserve(chat, now=0.0) for chat in range(300)]
    assert _most_in_any_window(starts, 1.0) <= 30
    assert starts[-1] < 300 / 30 * 1.15  # yet close to the limit: about 27 per second
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(starts)}
    assert len(gaps) == 1  # evenly spaced


def test_one_chat_gets_at_most_one_message_per_second() -> None:
    pacer = Pacer()
    rng = random.Random(7)
    chats = [rng.choice([1, 2, 3]) for _ in range(60)]
    starts: dict[int, list[float]] = {}
    for chat in chats:
        starts.setdefault(chat, []).append(pacer.reserve(chat, now=0.0))
    for chat_starts in starts.values():
        assert _most_in_any_window(chat_starts, 1.0) == 1


def test_a_flood_wait_holds_every_send() -> None:
    pacer = Pacer()
    pacer.reserve(1, now=10.0)
    pacer.hold(5, now=10.0)
    assert pacer.reserve(2, now=10.0) >= 15.0


def test_time_scale_shrinks_every_interval() -> None:
    pacer = Pacer(time_scale=0.1)
    starts = [pacer.reserve(7, now=0.0) for _ in range(3)]
    assert starts[1] - starts[0] == starts[2] - starts[1]
    assert 0.1 <= starts[1] - starts[0] < 0.12
