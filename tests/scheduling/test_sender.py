"""How the sender handles each of Telegram's answers, against the emulator.

The Bot here mostly uses PTB's plain transport (no retries of its own), so every answer
reaches the sender as Telegram gave it; the flood-wait tests use the bot's own.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import RetryAfter
from telegram.request import HTTPXRequest

from bot.localapi import BotApiEmulator, Fault
from bot.replies import Reply
from bot.retry import RetryingRequest
from bot.scheduling.reminders import Status
from bot.scheduling.sender import FLOODED, Pacer, Sender
from tests.harness import TEST_TOKEN

CHAT, OTHER = 31, 32


class RecordingPacer(Pacer):
    """Every slot at once (after letting others run), and a note of who took one, whose
    message came back and what was held."""

    def __init__(self) -> None:
        super().__init__()
        self.slots: list[int] = []
        self.answers: list[int] = []
        self.holds: list[tuple[float, int | None]] = []

    async def wait(self, chat_id: int) -> float:
        self.slots.append(chat_id)
        await asyncio.sleep(0)
        return self.clock()

    def answered(self, chat_id: int) -> None:
        self.answers.append(chat_id)

    def hold(self, seconds: float, chat_id: int | None = None) -> None:
        self.holds.append((seconds, chat_id))


@pytest.fixture
async def sender(emulator: BotApiEmulator) -> AsyncIterator[Sender]:
    emulator.world.ensure_chat(CHAT, "private", emulator.world.ensure_user(CHAT))
    bot = Bot(TEST_TOKEN, base_url=emulator.base_url, request=HTTPXRequest(read_timeout=0.3))
    async with bot:
        yield Sender(bot, Pacer(time_scale=0.01), backoff=0.01)


async def test_a_flood_wait_is_waited_out_then_the_message_goes(
    emulator: BotApiEmulator, sender: Sender
) -> None:
    emulator.add_fault(Fault(method="sendMessage", kind="429", count=1, retry_after=1))
    assert await sender.send(CHAT, Reply("hi")) == (Status.SENT, 2)
    assert emulator.sent_count(CHAT) == 1


async def test_server_errors_are_retried_with_backoff(
    emulator: BotApiEmulator, sender: Sender
) -> None:
    emulator.add_fault(Fault(method="sendMessage", kind="500", count=2))
    assert await sender.send(CHAT, Reply("hi")) == (Status.SENT, 3)
    emulator.add_fault(Fault(method="sendMessage", kind="500", count=10))
    assert await sender.send(CHAT, Reply("hi")) == (Status.FAILED, 4)
    assert emulator.sent_count(CHAT) == 1


async def test_a_blocked_bot_is_reported_not_retried(
    emulator: BotApiEmulator, sender: Sender
) -> None:
    emulator.block(CHAT)
    assert await sender.send(CHAT, Reply("hi")) == (Status.BLOCKED, 1)


async def test_an_unanswered_send_is_never_repeated(
    emulator: BotApiEmulator, sender: Sender
) -> None:
    emulator.add_fault(Fault(method="sendMessage", kind="slow", count=1, delay=1.0))
    assert await sender.send(CHAT, Reply("hi")) == (Status.UNCONFIRMED, 1)
    assert emulator.sent_count(CHAT) == 1  # it did arrive: a retry would have doubled it


async def test_a_send_that_ends_without_an_answer_does_not_keep_its_place(
    emulator: BotApiEmulator, sender: Sender
) -> None:
    """A message counts against the limit until it is answered: a timeout ends that
    too, or a window would stay full for good (here it holds one)."""
    sender.pacer = Pacer(per_second=1, time_scale=0.01)
    emulator.add_fault(Fault(method="sendMessage", kind="slow", count=1, delay=1.0))
    assert await sender.send(CHAT, Reply("hi")) == (Status.UNCONFIRMED, 1)
    assert await asyncio.wait_for(sender.send(CHAT, Reply("hi")), 5) == (Status.SENT, 1)


async def test_a_refused_message_fails_at_once(sender: Sender) -> None:
    assert await sender.send(404, Reply("hi")) == (Status.FAILED, 1)  # chat not found


@pytest.fixture
async def paced(emulator: BotApiEmulator) -> AsyncIterator[tuple[Sender, RecordingPacer]]:
    """A sender with the bot's own retrying transport and a pacer that records."""
    for chat in (CHAT, OTHER):
        emulator.world.ensure_chat(chat, "private", emulator.world.ensure_user(chat))
    bot = Bot(TEST_TOKEN, base_url=emulator.base_url, request=RetryingRequest(read_timeout=0.3))
    pacer = RecordingPacer()
    async with bot:
        yield Sender(bot, pacer), pacer


async def test_a_repeat_after_a_429_takes_a_new_slot_not_the_transports_own(
    emulator: BotApiEmulator, paced: tuple[Sender, RecordingPacer]
) -> None:
    sender, pacer = paced
    emulator.add_fault(Fault(method="sendMessage", kind="429", count=1, retry_after=1))
    assert await sender.send(CHAT, Reply("hi")) == (Status.SENT, 2)
    assert pacer.slots == pacer.answers == [CHAT, CHAT]  # the refused one counted too
    assert pacer.holds == [(1.0, CHAT)]  # that chat waits; the others go on
    assert emulator.sent_count(CHAT) == 1


async def test_server_errors_are_retried_in_one_place_each_in_a_slot(
    emulator: BotApiEmulator, paced: tuple[Sender, RecordingPacer]
) -> None:
    sender, pacer = paced
    sender.backoff = 0.01
    emulator.add_fault(Fault(method="sendMessage", kind="500", count=10))
    emulator.requests.clear()
    assert await sender.send(CHAT, Reply("hi")) == (Status.FAILED, 4)
    tried = [method for method, _ in emulator.requests if method.lower() == "sendmessage"]
    assert len(tried) == 4  # the transport adds none of its own (it once made 16)
    assert pacer.slots == pacer.answers == [CHAT] * 4


async def test_429s_in_a_row_hold_every_send(
    emulator: BotApiEmulator, paced: tuple[Sender, RecordingPacer]
) -> None:
    sender, pacer = paced
    sender.attempts = FLOODED + 1
    emulator.add_fault(Fault(method="sendMessage", kind="429", count=2, retry_after=1))
    assert await sender.send(CHAT, Reply("hi")) == (Status.SENT, 3)
    emulator.add_fault(Fault(method="sendMessage", kind="429", count=FLOODED, retry_after=2))
    assert await sender.send(OTHER, Reply("hi")) == (Status.SENT, FLOODED + 1)
    chat_only = [(1.0, CHAT)] * 2 + [(2.0, OTHER)] * (FLOODED - 1)  # could be chance
    assert pacer.holds == [*chat_only, (2.0, None)]  # the bot as a whole is over


class FloodedBot:
    """Answers the first `refusals` messages with a 429, once `at_once` are on their way."""

    def __init__(self, refusals: int, at_once: int) -> None:
        self.refusals, self.at_once = refusals, at_once
        self.answer = asyncio.Event()
        self.sent: list[int] = []

    async def _post(self, endpoint: str, data: dict[str, object]) -> None:
        """Where `bot.messaging.send_text` sends a message."""
        chat_id = data["chat_id"]
        assert endpoint == "sendMessage" and isinstance(chat_id, int)
        self.at_once -= 1
        if self.at_once <= 0:
            self.answer.set()
        await self.answer.wait()
        if self.refusals > 0:
            self.refusals -= 1
            raise RetryAfter(1)
        self.sent.append(chat_id)


async def test_429s_for_messages_already_on_their_way_count_as_one() -> None:
    chats = list(range(100, 100 + FLOODED))
    bot, pacer = FloodedBot(refusals=FLOODED, at_once=FLOODED), RecordingPacer()
    sender = Sender(bot, pacer)
    sent = await asyncio.gather(*(sender.send(chat, Reply("hi")) for chat in chats))
    assert sent == [(Status.SENT, 2)] * len(chats)
    assert sorted(bot.sent) == chats
    assert sorted(pacer.holds) == [(1.0, chat) for chat in chats]  # nobody else was held


async def test_a_flood_wait_too_long_to_sit_out_fails_the_message(
    emulator: BotApiEmulator, paced: tuple[Sender, RecordingPacer]
) -> None:
    sender, pacer = paced
    emulator.add_fault(Fault(method="sendMessage", kind="429", count=1, retry_after=3600))
    assert await sender.send(CHAT, Reply("hi")) == (Status.FAILED, 1)
    assert pacer.holds == []
    assert emulator.sent_count(CHAT) == 0


async def test_the_transport_tells_the_budget_of_each_reply_and_not_of_reminders(
    emulator: BotApiEmulator,
) -> None:
    """What the coach answers lifters counts against the reminders' budget, each attempt
    (a repeat after a 429 is another message); a reminder is counted by its own pacer,
    and a call that puts no message in a chat not at all."""
    emulator.world.ensure_chat(CHAT, "private", emulator.world.ensure_user(CHAT))
    bot = Bot(TEST_TOKEN, base_url=emulator.base_url, request=RetryingRequest(read_timeout=0.3))
    sender, noted = Sender(bot), list[int]()
    assert isinstance(bot.request, RetryingRequest)
    bot.request.on_message = lambda: noted.append(CHAT)
    async with bot:
        await bot.send_message(CHAT, "Logged set 1")
        emulator.add_fault(Fault(method="sendMessage", kind="429", count=1, retry_after=1))
        await bot.send_message(CHAT, "Logged set 2")
        await bot.get_me()
        await bot.send_chat_action(CHAT, "typing")
        assert await sender.send(CHAT, Reply("Upper back today")) == (Status.SENT, 1)
    assert len(noted) == 3
    assert emulator.sent_count() == 3
