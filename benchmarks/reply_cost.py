"""What one reply costs the bot's process in its HTTP layer, by how it is sent.

    python -m benchmarks.reply_cost [--quick] [--sends 400] [--repetitions 7]

One emulator process (`coach emulator`) and, in this process, one `ExtBot` per variant,
each with its own transport. A repetition lets every variant send `--sends` messages,
the variants taking turns in an order rotated each repetition, and charges each the CPU
of this process (`time.process_time`) while it sent; the emulator's is not counted.
Figures are medians of CPU ms per sendMessage, and ratios to PTB's `send_message` one
at a time (the echo bot's way).

The variants: PTB's `bot.send_message` one at a time on PTB's default transport
(httpx), as the echo bot replies; our `send_text` (`bot.messaging`) one at a time and
with 8 senders at once, as the update processor runs them
(`bot.processing.DEFAULT_CONCURRENCY`), on PTB's transport with its pool of 256 and of 8,
and on ours (`bot.retry.RetryingRequest`, the send budget's `on_message` wired as
`bot.scheduling.dispatcher` wires it) with both pools; and PTB's `send_message` on ours,
8 at once. At the end every message must have reached the emulator, once.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from telegram.ext import ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from benchmarks import processes
from benchmarks.client import EmulatorClient
from benchmarks.lifting import users
from benchmarks.report import Failed, environment, parser, run
from bot.messaging import send_text
from bot.processing import DEFAULT_CONCURRENCY
from bot.retry import RetryingRequest
from bot.scheduling.sender import Sender

TEXT = "Set 3 logged: 100 kg × 7 @2. Rest 2:00, then 100 kg × 7."
BUTTONS = {"inline_keyboard": [[{"text": "Done", "callback_data": "done"}]]}

Send = Callable[[ExtBot[None], int], Awaitable[object]]


async def ptb_send(bot: ExtBot[None], chat_id: int) -> object:
    """PTB's own way, as the echo bot replies: the answer read back into a `Message`."""
    return await bot.send_message(chat_id, TEXT)


async def our_send(bot: ExtBot[None], chat_id: int) -> object:
    """The coach's way (`bot.messaging.send_text`), with a keyboard as most replies have."""
    return await send_text(bot, chat_id, TEXT, BUTTONS)


@dataclass
class Variant:
    """One way of sending, with its own bot and transport."""

    name: str
    request: Callable[[], BaseRequest]
    send: Send = our_send
    senders: int = DEFAULT_CONCURRENCY
    pacer: bool = True  # the send budget's `on_message`, as the dispatcher wires it
    bot: ExtBot[None] | None = None
    cpu_ms: list[float] = field(default_factory=list)


VARIANTS = (
    Variant("ptb send_message x1, httpx", HTTPXRequest, ptb_send, senders=1, pacer=False),
    Variant("send_text x1, httpx", HTTPXRequest, senders=1, pacer=False),
    Variant("send_text x8, httpx", HTTPXRequest, pacer=False),
    Variant("send_text x8, httpx pool 8", partial(HTTPXRequest, 8), pacer=False),
    Variant("send_text x1, ours", RetryingRequest, senders=1),
    Variant("send_text x8, ours", RetryingRequest),
    Variant("send_text x8, ours pool 8", partial(RetryingRequest, connection_pool_size=8)),
    Variant("ptb send_message x8, ours", RetryingRequest, ptb_send),
)


async def start(variant: Variant, api: EmulatorClient) -> None:
    """The variant's bot, initialized, with the send budget told of its messages."""
    request = variant.request()
    bot: ExtBot[None] = ExtBot(processes.TOKEN, base_url=api.bot_api_url, request=request)
    if variant.pacer:
        assert isinstance(request, RetryingRequest)
        request.on_message = Sender(bot).note_reply
    await bot.initialize()
    variant.bot = bot


async def measure(variant: Variant, chats: list[int], sends: int) -> int:
    """`sends` messages from `variant.senders` senders at once, each to its own chats in
    turn (one chat's messages never overlap, as the processor runs them); how many sent."""
    assert variant.bot is not None
    bot = variant.bot
    per_sender = sends // variant.senders

    async def sender(index: int) -> None:
        mine = chats[index :: variant.senders]
        for number in range(per_sender):
            await variant.send(bot, mine[number % len(mine)])

    gc.collect()
    before = time.process_time()
    await asyncio.gather(*(sender(i) for i in range(variant.senders)))
    sent = per_sender * variant.senders
    variant.cpu_ms.append((time.process_time() - before) * 1000 / sent)
    return sent


def summary(variants: list[Variant]) -> str:
    """Medians, spreads and the ratio to PTB's sequential send_message."""
    floor = statistics.median(variants[0].cpu_ms)
    lines = [f"{'variant':<32} {'CPU ms/send':>11} {'min-max':>12} {'x ptb x1':>9}"]
    for variant in variants:
        cpu = statistics.median(variant.cpu_ms)
        spread = f"{min(variant.cpu_ms):.2f}-{max(variant.cpu_ms):.2f}"
        lines.append(f"{variant.name:<32} {cpu:>11.3f} {spread:>12} {cpu / floor:>9.2f}")
    return "\n".join(lines)


async def main(args: argparse.Namespace, workdir: Path) -> None:
    """Start the emulator, take turns sending, check every message arrived once."""
    print(await environment(args.db), flush=True)
    chats = users(args.users)
    variants = list(VARIANTS)
    async with processes.emulator(workdir) as api:
        await api.introduce(chats, processes.TOKEN)
        for variant in variants:
            await start(variant, api)
        sent_before = (await api.stats())["sent"]
        expected = 0
        try:
            for repetition in range(args.repetitions):
                shift = repetition % len(variants)
                for variant in variants[shift:] + variants[:shift]:
                    expected += await measure(variant, chats, args.sends)
                print(f"repetition {repetition + 1}/{args.repetitions} done", flush=True)
        finally:
            for variant in variants:
                if variant.bot is not None:
                    await variant.bot.shutdown()
        sent = (await api.stats())["sent"] - sent_before
    print(f"\n{args.sends} sends per variant and repetition, {len(chats)} chats")
    print(summary(variants))
    print(f"messages: {sent} sent, {expected} expected")
    if sent != expected:
        raise Failed(f"{sent} messages reached the emulator, {expected} were sent")


def options() -> argparse.Namespace:
    """Command-line options; --quick shrinks everything."""
    options = parser(__doc__.splitlines()[0])
    options.add_argument("--users", type=int, default=200, help="chats sent to")
    options.add_argument("--sends", type=int, default=400, help="per variant and repetition")
    options.add_argument("--repetitions", type=int, default=7)
    args = options.parse_args()
    if args.quick:
        args.users, args.sends, args.repetitions = 16, 32, 2
    return args


if __name__ == "__main__":
    sys.exit(run(main, options()))
