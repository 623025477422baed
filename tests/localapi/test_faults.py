"""Injected faults and flood control as PTB experiences them."""

from __future__ import annotations

import httpx
import pytest
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.localapi import BotApiEmulator, Fault, RateLimit
from bot.localapi import faults as faults_module
from bot.localapi.faults import RateLimiter, RateStats
from tests.localapi.conftest import TOKEN, USER, call, retry_seconds

# PTB 22 warns inside RetryAfter.__init__ about its future timedelta type.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def in_flight_done(emu: BotApiEmulator) -> None:
    """Wait (event-driven) until the emulator finished every request it was handling."""
    assert await emu.world.signal.wait_for(lambda: emu.in_flight == 0, 5)


async def test_429_then_retry_delivers(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "hi")
    emu.add_fault(Fault(method="sendMessage", kind="429", count=2, retry_after=7))
    for _ in range(2):
        with pytest.raises(RetryAfter) as caught:
            await bot.send_message(USER, "set logged")
        assert retry_seconds(caught.value) == 7
    assert emu.sent_count() == 0  # faulted calls send nothing
    assert (await bot.send_message(USER, "set logged")).text == "set logged"
    assert emu.sent_count() == 1
    assert await bot.get_me()  # other methods were never affected


async def test_429_wire_format(emu: BotApiEmulator, http: httpx.AsyncClient) -> None:
    emu.add_fault(Fault("getMe", "429", count=1, retry_after=3))
    reply = await call(http, "getme")
    assert reply.status_code == 429
    assert reply.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }


async def test_500_502_and_drop_are_network_errors(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "hi")
    emu.add_fault(Fault("*", "500", count=1))
    emu.add_fault(Fault("sendMessage", "502", count=1))
    emu.add_fault(Fault("sendMessage", "drop", count=1))
    with pytest.raises(NetworkError, match="Internal Server Error") as first:
        await bot.send_message(USER, "a")
    assert not isinstance(first.value, TimedOut)
    with pytest.raises(NetworkError, match="Bad Gateway"):
        await bot.send_message(USER, "a")
    with pytest.raises(NetworkError):
        await bot.send_message(USER, "a")
    assert emu.sent_count() == 0
    assert await bot.send_message(USER, "a")
    assert emu.faults.active == []


async def test_timeout_fault_acts_only_if_client_waits(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "hi")
    emu.add_fault(Fault("sendMessage", "timeout", count=1, delay=0.5))
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "lost", read_timeout=0.1)
    await in_flight_done(emu)  # the held request was dropped with the client
    assert emu.sent_count() == 0
    emu.add_fault(Fault("sendMessage", "timeout", count=1, delay=0.05))
    assert (await bot.send_message(USER, "held")).text == "held"
    assert emu.sent_count() == 1


async def test_slow_fault_acts_even_if_client_gives_up(emu: BotApiEmulator, bot: Bot) -> None:
    await emu.send_text(USER, "hi")
    emu.add_fault(Fault("sendMessage", "slow", count=1, delay=0.4))
    with pytest.raises(TimedOut):
        await bot.send_message(USER, "sent anyway", read_timeout=0.1)
    assert emu.sent_count() == 1  # a blind retry would now duplicate it
    await in_flight_done(emu)


async def test_probability_faults_are_seeded(emu: BotApiEmulator, http: httpx.AsyncClient) -> None:
    async def pattern(seed: int) -> list[int]:
        emu.clear_faults()
        emu.add_fault(Fault("*", "500", probability=0.5, seed=seed))
        return [(await call(http, "getMe")).status_code for _ in range(20)]

    first, second = await pattern(11), await pattern(11)
    assert first == second
    assert 0 < first.count(500) < 20
    assert set(first) == {200, 500}


def test_fault_validation() -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        Fault("sendMessage", "418")
    with pytest.raises(ValueError, match="either count or probability"):
        Fault("sendMessage", "500", count=1, probability=0.5)


async def test_rate_limit_rejects_bursts() -> None:
    limit = RateLimit(per_second=30, per_chat_per_second=2)
    async with (
        BotApiEmulator(rate_limit=limit) as emu,
        Bot(TOKEN, base_url=emu.base_url) as limited,
    ):
        await emu.send_text(USER, "hi")
        await emu.send_text(USER + 1, "hi")
        assert await limited.send_message(USER, "1")
        assert await limited.send_message(USER, "2")
        with pytest.raises(RetryAfter) as caught:
            await limited.send_message(USER, "3")
        assert retry_seconds(caught.value) == 1
        assert await limited.send_message(USER + 1, "other chat is fine")
        assert await limited.get_me()  # only send* calls are counted
        assert emu.rate_stats.sends == 3 and emu.rate_stats.rejected_429 == 1
        assert emu.sent_count(USER) == 2


def test_rate_window_scales(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = [100.0]
    monkeypatch.setattr(faults_module.time, "monotonic", lambda: clock[0])
    stats = RateStats()
    limiter = RateLimiter(
        RateLimit(per_second=3, per_chat_per_second=1, time_scale=0.1, retry_after=5), stats
    )
    limiter.check("a")
    limiter.record("a")
    with pytest.raises(Exception, match="retry after 1") as caught:
        limiter.check("a")  # 5 s × 0.1 = 0.5 s → reported as the minimum whole second
    assert caught.value.retry_after == 1  # type: ignore[attr-defined]
    clock[0] += 0.1  # the 100 ms window has passed
    limiter.check("a")
    limiter.record("a")
    for chat in ("b", "c"):
        limiter.check(chat)
        limiter.record(chat)
    with pytest.raises(Exception, match="Too Many Requests"):
        limiter.check("d")  # global limit: 3 per 100 ms
    assert stats.sends == 4 and stats.rejected_429 == 2
