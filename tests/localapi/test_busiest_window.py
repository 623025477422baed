"""The emulator tells how many messages the bot tried to send in its busiest second."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.localapi import BotApiEmulator, RateLimit
from bot.localapi import faults as faults_module
from bot.localapi.errors import ApiError
from bot.localapi.faults import RateLimiter, RateStats
from tests.localapi.conftest import USER

pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


def test_the_busiest_window_counts_refused_sends_too(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr(faults_module.time, "monotonic", lambda: clock[0])
    stats = RateStats()
    limiter = RateLimiter(RateLimit(per_second=3, per_chat_per_second=5), stats)
    for chat in range(5):  # five at once: three go, two are refused
        clock[0] += 0.01
        try:
            limiter.check(chat)
        except ApiError:  # the 429
            continue
        limiter.record(chat)
    assert (stats.sends, stats.rejected_429, stats.busiest) == (3, 2, 5)
    clock[0] += 1.0  # a quiet second later, one more: the busiest stays the busiest
    limiter.check(9)
    assert stats.busiest == 5


def test_without_a_limit_the_window_is_one_second(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [0.0]
    monkeypatch.setattr(faults_module.time, "monotonic", lambda: clock[0])
    stats = RateStats()
    limiter = RateLimiter(None, stats)
    for _ in range(40):  # 40 sends 30 ms apart: 34 within any one second
        clock[0] += 0.03
        limiter.check(USER)
        limiter.record(USER)
    assert stats.busiest == 34
    assert stats.rejected_429 == 0


async def test_the_busiest_window_and_429s_over_http(
    emu: BotApiEmulator, bot: Bot, http: httpx.AsyncClient
) -> None:
    emu.rate_limit = RateLimit(per_second=30, per_chat_per_second=1)
    await emu.send_text(USER, "hi")
    await emu.send_text(USER + 1, "hi")
    await bot.send_message(USER, "one")
    with pytest.raises(RetryAfter):
        await bot.send_message(USER, "two")  # one chat, one a second
    await bot.send_message(USER + 1, "three")
    rate = (await http.get("/_emulator/stats")).json()["rate"]
    assert rate == {
        "sends": 2,
        "rejected_429": 1,
        "rejected_chat": 1,
        "busiest": 3,
        "window": 1.0,
    }
    await http.post("/_emulator/reset")
    assert (await http.get("/_emulator/stats")).json()["rate"]["busiest"] == 0
