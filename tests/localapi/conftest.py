"""Fixtures for the Bot API emulator tests: a running emulator, a real PTB Bot, PNG bytes."""

from __future__ import annotations

import struct
import warnings
import zlib
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from telegram import Bot
from telegram.error import RetryAfter

from bot.localapi import BotApiEmulator
from bot.localapi.validation import Spec, check_object

TOKEN = "123456789:AAH-test_token_for_the_local_emulator00"
USER = 4242


@pytest.fixture
async def emu() -> AsyncIterator[BotApiEmulator]:
    """A started emulator on a free port."""
    async with BotApiEmulator() as emulator:
        yield emulator


@pytest.fixture
async def bot(emu: BotApiEmulator) -> AsyncIterator[Bot]:
    """The real PTB Bot talking HTTP to the emulator."""
    async with Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url) as ptb_bot:
        yield ptb_bot


@pytest.fixture
async def http(emu: BotApiEmulator) -> AsyncIterator[httpx.AsyncClient]:
    """A raw HTTP client for checking Telegram's exact JSON."""
    async with httpx.AsyncClient(base_url=emu.url, timeout=5) as client:
        yield client


@pytest.fixture(scope="session")
def spec() -> Spec:
    """The official Bot API reference (tests needing it skip without it)."""
    loaded = Spec()
    if not loaded.available:
        pytest.skip("Bot API spec not found")
    return loaded


async def call(http: httpx.AsyncClient, method: str, **params: Any) -> httpx.Response:
    """POST a Bot API method as JSON."""
    return await http.post(f"/bot{TOKEN}/{method}", json=params)


def assert_shape(spec: Spec, type_name: str, value: Any) -> None:
    """Every required field present, every field of the right JSON type."""
    problems = check_object(spec, type_name, value)
    assert not problems, problems


def png(width: int, height: int) -> bytes:
    """A valid grayscale PNG of the given size."""
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def retry_seconds(error: RetryAfter) -> float:
    """RetryAfter.retry_after as seconds, whichever type this PTB version returns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = error.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)
